/**
 * From a spec to neutralised values: raw signal from its family, EWMA smoothing with the spec's half-life,
 * then daily neutralisation (neutralize.ts). Row by row, so a caller that reduces each day at once (IC
 * statistics, snapshots, a composite) never needs the T×N neutralised panel.
 */
import { InvalidInputError } from '../core/errors.ts';
import type { SignalContext } from './context.ts';
import { ewmaDecay, ewmaSmoothInPlace } from './ewma.ts';
import { NeutralizeScratch, neutralizeRow } from './neutralize.ts';
import { type RawRowSource, rawRowSource, rawStateLength } from './raw-stream.ts';
import type { RawSignalInputs, SignalFamily, SignalSpec } from './spec.ts';

/** Input fields of `spec` that the context's universe lacks (`return` is always present). */
export function missingInputs(ctx: SignalContext, spec: SignalSpec): string[] {
  return spec.inputs.filter((f) => f !== 'return' && !ctx.fields.has(f));
}

/** The note recorded when a spec is skipped for missing inputs. */
export function skipNote(spec: SignalSpec, missing: readonly string[]): string {
  return `signal ${spec.name} skipped: the universe has no '${missing.join("', '")}' field${missing.length > 1 ? 's' : ''}`;
}

/** The inputs a family reads for `spec` (field lookups throw InvalidInputError naming a missing field). */
export function rawInputs(ctx: SignalContext, spec: SignalSpec): RawSignalInputs {
  return {
    T: ctx.T,
    N: ctx.N,
    logReturn: ctx.logReturn,
    field(name: string) {
      const v = ctx.fields.get(name);
      if (!v)
        throw new InvalidInputError(`signal ${spec.name} reads field '${name}', which the universe lacks`, {
          where: { field: name },
        });
      return v;
    },
  };
}

/**
 * The smoothed raw signal of `spec` (T×N, date-major) into `out` (allocated when absent). Throws
 * InvalidInputError if an input field is missing; callers that prefer skipping check {@link missingInputs}.
 */
export function computeRawSignal(
  ctx: SignalContext,
  spec: SignalSpec,
  families: ReadonlyMap<string, SignalFamily>,
  out?: Float64Array,
): Float64Array {
  const family = families.get(spec.family);
  if (!family)
    throw new InvalidInputError(`signal ${spec.name} names unknown family '${spec.family}'`, {
      where: { field: spec.name },
    });
  const missing = missingInputs(ctx, spec);
  if (missing.length > 0)
    throw new InvalidInputError(skipNote(spec, missing), { where: { field: missing[0]! } });
  const raw = out ?? new Float64Array(ctx.T * ctx.N);
  raw.fill(Number.NaN);
  family.compute(rawInputs(ctx, spec), spec, raw);
  if (spec.halfLife > 0) {
    ewmaSmoothInPlace(
      ctx.T,
      ctx.N,
      raw,
      ewmaDecay(spec.halfLife),
      new Float64Array(ctx.N),
      new Float64Array(ctx.N),
    );
  }
  return raw;
}

/**
 * Calls `visit(t, z, count)` for t = 0 … T−1 in order with the neutralised cross-section z of date t (a
 * reused buffer: copy what you keep) and its number of non-NaN values.
 */
export function forEachNeutralizedRow(
  ctx: SignalContext,
  raw: Float64Array,
  visit: (t: number, z: Float64Array, count: number) => void,
  range: { readonly start?: number; readonly end?: number } = {},
): void {
  const N = ctx.N;
  const z = new Float64Array(N);
  const scratch = new NeutralizeScratch(N);
  const end = range.end ?? ctx.T;
  for (let t = range.start ?? 0; t < end; t++) {
    const count = neutralizeRow(ctx, t, raw.subarray(t * N, (t + 1) * N), z, scratch);
    visit(t, z, count);
  }
}

/**
 * Like {@link forEachNeutralizedRow} for the raw signal of `spec`, which is streamed row by row when its
 * family allows (raw-stream.ts), so no T×N raw panel is written. Rows before `range.start` are still
 * computed (the trailing windows and the EWMA need them) but not neutralised.
 */
export function forEachNeutralizedSignalRow(
  ctx: SignalContext,
  spec: SignalSpec,
  families: ReadonlyMap<string, SignalFamily>,
  visit: (t: number, z: Float64Array, count: number) => void,
  range: SignalRowRange = {},
  timing?: StageTimes,
): void {
  const rows = new NeutralizedSignalRows(ctx, spec, families, range, timing);
  for (let count = rows.next(); count >= 0; count = rows.next()) {
    if (!timing) {
      visit(rows.t, rows.z, count);
      continue;
    }
    const c0 = performance.now();
    visit(rows.t, rows.z, count);
    timing.visitMs += performance.now() - c0;
  }
}

/**
 * The rows of {@link forEachNeutralizedSignalRow} one at a time, so a caller can step several signals
 * through the dates in lockstep (research/signal-task.ts: each date's context rows are fetched once for
 * all of them). Each call of `next()` gives the next visited row: its date in `t`, its values in `z` (a
 * reused buffer) and its number of non-NaN values as the result; −1 after the last row.
 */
export class NeutralizedSignalRows {
  /** The row's neutralised cross-section (reused: copy what you keep). */
  readonly z: Float64Array;
  /** The date of the row `next()` returned last (−1 before the first). */
  t = -1;
  private readonly ctx: SignalContext;
  private readonly scratch: NeutralizeScratch;
  private readonly source: RawRowSource;
  private readonly start: number;
  private readonly end: number;
  private readonly saves: SignalRowRange['save'];
  private readonly stateLength: number;
  private readonly timing: StageTimes | undefined;
  private nextSave = 0;
  /** The next raw row to stream. */
  private u: number;

  constructor(
    ctx: SignalContext,
    spec: SignalSpec,
    families: ReadonlyMap<string, SignalFamily>,
    range: SignalRowRange = {},
    timing?: StageTimes,
  ) {
    this.ctx = ctx;
    this.z = new Float64Array(ctx.N);
    this.scratch = new NeutralizeScratch(ctx.N);
    this.start = range.start ?? 0;
    this.end = range.end ?? ctx.T;
    this.timing = timing;
    this.source = rawRowSource(ctx, spec, families);
    this.stateLength = rawStateLength(ctx.N);
    let t0 = 0;
    if (range.resume) {
      const r = range.resume;
      if (
        !(Number.isInteger(r.row) && r.row >= 0 && r.row <= this.start && r.state.length === this.stateLength)
      )
        throw new InvalidInputError(
          `signal ${spec.name}: a raw state to resume must be for a row in [0, ${this.start}] with ${this.stateLength} values`,
          { where: { field: spec.name } },
        );
      this.source.resume(r.row, r.state);
      t0 = r.row;
    }
    this.u = t0;
    this.saves = range.save;
    while (this.saves && this.nextSave < this.saves.rows.length && this.saves.rows[this.nextSave]! < t0)
      this.nextSave++;
  }

  /** Streams up to the next visited row and neutralises it; returns its non-NaN count, or −1 when done. */
  next(): number {
    const { saves, timing } = this;
    const c0 = timing ? performance.now() : 0;
    let raw: Float64Array | undefined;
    for (; this.u < this.end; ) {
      const u = this.u++;
      if (saves && this.nextSave < saves.rows.length && saves.rows[this.nextSave] === u) {
        const L = this.stateLength;
        this.source.save(saves.states.subarray(this.nextSave * L, (this.nextSave + 1) * L));
        this.nextSave++;
      }
      const row = this.source.next();
      if (u >= this.start) {
        raw = row;
        this.t = u;
        break;
      }
    }
    if (raw === undefined) {
      if (timing) timing.rawMs += performance.now() - c0;
      return -1;
    }
    if (!timing) return neutralizeRow(this.ctx, this.t, raw, this.z, this.scratch);
    const c1 = performance.now();
    const count = neutralizeRow(this.ctx, this.t, raw, this.z, this.scratch);
    timing.rawMs += c1 - c0;
    timing.neutralizeMs += performance.now() - c1;
    return count;
  }
}

/** Which rows {@link forEachNeutralizedSignalRow} visits, and raw-stream states to save or resume from. */
export interface SignalRowRange {
  /** First row visited (earlier rows are still streamed, unless `resume` starts later); default 0. */
  readonly start?: number;
  /** One past the last row computed; default T. */
  readonly end?: number;
  /** Start streaming at `row` ≤ start from a state saved there (raw-stream.ts `save`), not at row 0. */
  readonly resume?: { readonly row: number; readonly state: Float64Array };
  /**
   * Save the raw stream's state before each of `rows` (increasing, < end) into consecutive
   * {@link rawStateLength}-value slots of `states` (the composite pass resumes from them).
   */
  readonly save?: { readonly rows: Int32Array; readonly states: Float64Array };
}

/** Milliseconds spent per stage by {@link forEachNeutralizedSignalRow} (accumulated). */
export interface StageTimes {
  rawMs: number;
  neutralizeMs: number;
  /** In the caller's `visit` (IC reductions, hashing, snapshots). */
  visitMs: number;
}

/** The full neutralised panel of one spec (T×N). For tests and small runs; the research tier streams. */
export function neutralizedSignal(
  ctx: SignalContext,
  spec: SignalSpec,
  families: ReadonlyMap<string, SignalFamily>,
): Float64Array {
  const out = new Float64Array(ctx.T * ctx.N);
  forEachNeutralizedSignalRow(ctx, spec, families, (t, z) => out.set(z, t * ctx.N));
  return out;
}
