/**
 * From a spec to neutralised values: raw signal from its family, EWMA smoothing with the spec's half-life,
 * then daily neutralisation (neutralize.ts). Row by row, so a caller that reduces each day at once (IC
 * statistics, snapshots, a composite) never needs the T×N neutralised panel.
 */
import { InvalidInputError } from '../core/errors.ts';
import type { SignalContext } from './context.ts';
import { ewmaDecay, ewmaSmoothInPlace } from './ewma.ts';
import { NeutralizeScratch, neutralizeRow } from './neutralize.ts';
import type { RawSignalInputs, SignalFamily, SignalSpec } from './spec.ts';

/** Input fields of `spec` that the context's universe lacks (`return` is always present). */
export function missingInputs(ctx: SignalContext, spec: SignalSpec): string[] {
  return spec.inputs.filter((f) => f !== 'return' && !ctx.fields.has(f));
}

/** The note recorded when a spec is skipped for missing inputs. */
export function skipNote(spec: SignalSpec, missing: readonly string[]): string {
  return `signal ${spec.name} skipped: the universe has no '${missing.join("', '")}' field${missing.length > 1 ? 's' : ''}`;
}

function rawInputs(ctx: SignalContext, spec: SignalSpec): RawSignalInputs {
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

/** The full neutralised panel of one spec (T×N). For tests and small runs; the research tier streams. */
export function neutralizedSignal(
  ctx: SignalContext,
  spec: SignalSpec,
  families: ReadonlyMap<string, SignalFamily>,
): Float64Array {
  const raw = computeRawSignal(ctx, spec, families);
  forEachNeutralizedRow(ctx, raw, (t, z) => raw.set(z, t * ctx.N));
  return raw;
}
