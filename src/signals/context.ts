/**
 * The work every signal shares, done once per run (architecture.md §5): log returns, forward returns for
 * every horizon with the execution delay, their centred ranks, 60-day betas with intercept, log market cap
 * and the sector structure. Every large array lives on a SharedArrayBuffer so worker threads read it
 * without a copy. The per-date FWL bases are built from it once, on shared memory, for the signal tier
 * (neutralize.ts `fillSharedFwlBases`), or lazily in each thread for a context without them. The build is a
 * list of independent units, so the signal tier spreads it over its pool (context-task.ts, decision 027).
 */
import { InvalidInputError } from '../core/errors.ts';
import { allocFloat64 } from '../core/panel.ts';
import type { Universe } from '../core/universe.ts';
import { rollingBetaInto } from '../stats/rollingBeta.ts';
import { WasmBucketRanker } from './bucket-rank.ts';
import { forwardReturnsInto } from './forward-returns.ts';
import { allocateSharedFwlBases, fillSharedFwlBases } from './neutralize.ts';

export interface SignalContextOptions {
  /** Forward-return horizons in bars; default [1, 5, 21, 63]. */
  readonly horizons?: readonly number[];
  /** Execution delay d in bars (architecture.md §4); default 1. */
  readonly executionDelay?: number;
  /** Rolling beta window and minimum pairs (methods.md §2); default 60 and 45. */
  readonly betaWindow?: number;
  readonly betaMinObs?: number;
  /** Winsorisation multiple k (methods.md §1); default 3. */
  readonly winsorizeK?: number;
}

export interface SignalContext {
  readonly dates: readonly string[];
  readonly tickers: readonly string[];
  readonly T: number;
  readonly N: number;
  readonly horizons: readonly number[];
  readonly executionDelay: number;
  readonly winsorizeK: number;
  /** Sector index per ticker and the number of sectors. */
  readonly sectorOf: Int32Array;
  readonly nSectors: number;
  /** The universe's daily panels by field name (values only, T×N date-major). */
  readonly fields: ReadonlyMap<string, Float64Array>;
  /** Daily simple returns r_{t,i}. */
  readonly returns: Float64Array;
  /** ℓ_{t,i} = ln(1 + r_{t,i}). */
  readonly logReturn: Float64Array;
  /** Market return r_{m,t}: from the `market` series (index level) or the equal-weight mean. */
  readonly marketReturn: Float64Array;
  readonly marketSource: 'series:market' | 'equal_weight';
  /** β_{t,i} over rows t−W+1..t with intercept (methods.md §2). */
  readonly beta: Float64Array;
  /** Continuous neutralisation regressors (ln market cap when available, then β), each T×N. */
  readonly regressors: readonly Float64Array[];
  readonly regressorNames: readonly string[];
  /** Per horizon (same order as `horizons`): R^{(h)}_t, T×N. */
  readonly forward: readonly Float64Array[];
  /**
   * Per horizon: the centred average rank rank − (n_t + 1)/2 of R^{(h)}_t among the n_t stocks with a
   * label (NaN elsewhere). Half-integers, exact in float32, which halves the memory traffic of rank IC.
   */
  readonly forwardRank: readonly Float32Array[];
  /**
   * Per horizon: 2 × the centred rank as int16 (0 where NaN), the operand of the SIMD rank-IC kernel
   * (research/i16-dot.ts). Present when N ≤ 32768; contexts built by hand may omit it.
   */
  readonly forwardRank16?: readonly Int16Array[];
  /** Per horizon and date: n_t and Σ (centred rank)² (exact). */
  readonly forwardRankCount: readonly Int32Array[];
  readonly forwardRankSS: readonly Float64Array[];
  /** Things the user should know (e.g. which regressors were unavailable). */
  readonly notes: readonly string[];
  /**
   * The dates' FWL bases built once on shared memory (neutralize.ts `withSharedFwlBases`); without them
   * every thread builds each date's basis itself.
   */
  readonly fwlBases?: SharedFwlBases;
}

/**
 * Per-date FWL bases of a context, on SharedArrayBuffers, for the dates whose complete cases are all N stocks
 * (the common case after the β warm-up): what `CrossSectionResidualizer.basis()` gives there, so a thread
 * copies it instead of rebuilding it (docs/decisions/026, round 3).
 */
export interface SharedFwlBases {
  /** Per date: its number of basis vectors (0–2), or −1 when the thread must build the date itself. */
  readonly kind: Int8Array;
  /** T × 2N: q0 then q1 of each date (zeros for the vectors it lacks). */
  readonly q: Float64Array;
  /** T × nSectors: 1/|sector| of each date (0 for an empty sector). */
  readonly invGroupSize: Float64Array;
}

function checkHorizons(horizons: readonly number[]): void {
  if (horizons.length === 0)
    throw new InvalidInputError('at least one horizon is needed', { where: { field: 'horizons' } });
  for (const h of horizons) {
    if (!Number.isInteger(h) || h < 1)
      throw new InvalidInputError(`horizons must be positive integers, got ${h}`, {
        where: { field: 'horizons' },
      });
  }
  if (new Set(horizons).size !== horizons.length) {
    throw new InvalidInputError(`horizons repeat: ${horizons.join(', ')}`, { where: { field: 'horizons' } });
  }
}

/** Simple returns of an index level series (NaN at t = 0 and next to a missing or non-positive level). */
function levelReturns(level: Float64Array): Float64Array {
  const r = new Float64Array(level.length).fill(Number.NaN);
  for (let t = 1; t < level.length; t++) {
    const a = level[t - 1]!;
    const b = level[t]!;
    if (a > 0 && b > 0) r[t] = b / a - 1;
  }
  return r;
}

/** Equal-weight mean of the available returns per date (includes each stock itself, as the seed does). */
function equalWeightReturns(T: number, N: number, returns: Float64Array): Float64Array {
  const r = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    let s = 0;
    let n = 0;
    for (let i = t * N, end = i + N; i < end; i++) {
      const v = returns[i]!;
      if (!Number.isNaN(v)) {
        s += v;
        n++;
      }
    }
    r[t] = n > 0 ? s / n : Number.NaN;
  }
  return r;
}

/** A zeroed float64 array on a SharedArrayBuffer, for panels whose every cell is written next (no NaN fill). */
function sharedUnfilled(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

/**
 * out[j] = f(x[j]). The panel-wide loops live in small functions rather than in the body of
 * buildSignalContext, which runs once and would otherwise execute them unoptimised.
 */
function mapInto(x: Float64Array, out: Float64Array, f: (v: number) => number): void {
  for (let j = 0; j < x.length; j++) out[j] = f(x[j]!);
}

/**
 * Centred ranks of every row of `x` into `out` (float32), with per-row counts and sums of squares, and
 * when `out16` is given the doubled centred ranks as int16 (2·(rank − (n+1)/2) is an integer in
 * [−(n−1), n−1]; a NaN rank stores as 0). The rows are sorted by the WebAssembly bucket ranker (same ranks
 * as the JS one, several times faster: the serial part of the run, decision 026).
 */
function centredRowRanks(
  T: number,
  N: number,
  x: Float64Array,
  out: Float32Array,
  count: Int32Array,
  ss: Float64Array,
  out16: Int16Array | undefined,
  ranker: WasmBucketRanker,
  row: Float64Array,
): void {
  for (let t = 0; t < T; t++) {
    const n = ranker.rank(N, x, t * N, row);
    count[t] = n;
    ss[t] = centreRow(row, (n + 1) / 2, out, out16, t * N);
  }
}

/** out[at + i] = row[i] − c (NaN stays NaN), out16 = 2× that (0 for NaN); returns Σ of the squares. */
function centreRow(
  row: Float64Array,
  c: number,
  out: Float32Array,
  out16: Int16Array | undefined,
  at: number,
): number {
  let s = 0;
  const N = row.length;
  for (let i = 0; i < N; i++) {
    const v = row[i]! - c;
    out[at + i] = v;
    if (!Number.isNaN(v)) s += v * v;
  }
  if (out16) for (let i = 0; i < N; i++) out16[at + i] = 2 * (row[i]! - c);
  return s;
}

/**
 * One independent piece of a context build: a panel written in place (for `forward`, a horizon's labels
 * and their ranks; for `bases`, dates from … to − 1 of the shared FWL bases). Every unit writes its own
 * cells with the same arithmetic whichever thread runs it, so the context is the same to the bit however
 * the units are spread (context-task.ts).
 */
export type ContextUnit =
  | { readonly kind: 'beta'; readonly window: number; readonly minObs: number }
  | { readonly kind: 'logMarketCap' }
  | { readonly kind: 'logReturn' }
  | { readonly kind: 'forward'; readonly index: number }
  | { readonly kind: 'bases'; readonly from: number; readonly to: number };

/** A context whose panels are allocated but not yet written, and the units that write them. */
export interface SignalContextPlan {
  readonly ctx: SignalContext;
  /** In dependency order: the regressors (log market cap, β) come before every `bases` unit. */
  readonly units: readonly ContextUnit[];
  /** How many units are regressors (`bases` units need them finished). */
  readonly regressorUnits: number;
}

/** Dates per `bases` unit: ≈ 40 ms of work, between which the building thread yields (context-task.ts). */
const BASES_DATES_PER_UNIT = 320;

/**
 * Validates the options and allocates the context of a research run from a universe (every large array on a
 * SharedArrayBuffer), with the units that fill it; `sharedBases` also allocates the shared FWL bases
 * (neutralize.ts) and plans their units. Requires a `return` panel (the data layer derives it from `close`);
 * uses `market_cap` and the `market` series when present and says so in `notes` when not.
 */
export function planSignalContext(
  universe: Universe,
  options: SignalContextOptions = {},
  sharedBases = false,
): SignalContextPlan {
  const horizons = [...(options.horizons ?? [1, 5, 21, 63])];
  checkHorizons(horizons);
  const d = options.executionDelay ?? 1;
  if (!Number.isInteger(d) || d < 0) {
    throw new InvalidInputError(`execution delay must be a non-negative integer, got ${d}`, {
      where: { field: 'execution_delay' },
    });
  }
  const k = options.winsorizeK ?? 3;
  if (!(k > 0))
    throw new InvalidInputError(`winsorize k must be positive, got ${k}`, {
      where: { field: 'winsorize_k' },
    });
  const T = universe.dates.length;
  const N = universe.tickers.length;
  const retPanel = universe.panels.get('return');
  if (!retPanel) {
    throw new InvalidInputError(
      `the universe has no 'return' field (it has: ${[...universe.panels.keys()].join(', ')})`,
      {
        where: { field: 'return' },
      },
    );
  }
  const notes: string[] = [];
  const shared = (x: Float64Array): Float64Array => {
    if (x.buffer instanceof SharedArrayBuffer) return x;
    const s = allocFloat64(x.length, { shared: true });
    s.set(x);
    return s;
  };
  const fields = new Map<string, Float64Array>();
  for (const [name, p] of universe.panels) fields.set(name, shared(p.values));
  const returns = fields.get('return')!;

  const marketLevel = universe.series.get('market');
  const marketReturn = marketLevel ? levelReturns(marketLevel) : equalWeightReturns(T, N, returns);
  if (!marketLevel)
    notes.push("no 'market' series: betas use the equal-weight mean return (which includes each stock)");
  const betaWindow = options.betaWindow ?? 60;
  const betaMinObs = options.betaMinObs ?? Math.min(45, betaWindow);
  // The regressors' units first (β, the longest), so they are claimed before any `bases` unit needs them.
  const units: ContextUnit[] = [{ kind: 'beta', window: betaWindow, minObs: betaMinObs }];
  const regressors: Float64Array[] = [];
  const regressorNames: string[] = [];
  if (fields.has('market_cap')) {
    regressors.push(sharedUnfilled(T * N));
    regressorNames.push('log_market_cap');
    units.push({ kind: 'logMarketCap' });
  } else {
    notes.push("no 'market_cap' field: neutralisation uses sectors and beta only");
  }
  const beta = sharedUnfilled(T * N);
  regressors.push(beta);
  regressorNames.push('beta');
  const regressorUnits = units.length;

  const wide = N <= 32768;
  const forward = horizons.map(() => sharedUnfilled(T * N));
  const forwardRank = horizons.map(() => new Float32Array(new SharedArrayBuffer(T * N * 4)));
  const forwardRankCount = horizons.map(() => new Int32Array(new SharedArrayBuffer(T * 4)));
  const forwardRankSS = horizons.map(() => allocFloat64(T, { shared: true }));
  const forwardRank16 = wide ? horizons.map(() => new Int16Array(new SharedArrayBuffer(T * N * 2))) : [];
  // Longest horizons first: they cost most, so the tail of the list is the cheap units.
  const byCost = horizons.map((_, hi) => hi).sort((a, b) => horizons[b]! - horizons[a]!);
  for (const index of byCost) units.push({ kind: 'forward', index });
  units.push({ kind: 'logReturn' });
  if (sharedBases)
    for (let from = 0; from < T; from += BASES_DATES_PER_UNIT)
      units.push({ kind: 'bases', from, to: Math.min(T, from + BASES_DATES_PER_UNIT) });

  const ctx: SignalContext = {
    dates: universe.dates,
    tickers: universe.tickers,
    T,
    N,
    horizons,
    executionDelay: d,
    winsorizeK: k,
    sectorOf: universe.sectorOf,
    nSectors: universe.sectors.length,
    fields,
    returns,
    logReturn: sharedUnfilled(T * N),
    marketReturn,
    marketSource: marketLevel ? 'series:market' : 'equal_weight',
    beta,
    regressors,
    regressorNames,
    forward,
    forwardRank,
    forwardRankCount,
    forwardRankSS,
    ...(wide ? { forwardRank16 } : {}),
    notes,
    ...(sharedBases ? { fwlBases: allocateSharedFwlBases(T, N, universe.sectors.length) } : {}),
  };
  return { ctx, units, regressorUnits };
}

/** Writes one unit of a planned context (any thread; the context's arrays are shared). */
export function runContextUnit(ctx: SignalContext, unit: ContextUnit): void {
  const { T, N } = ctx;
  switch (unit.kind) {
    case 'beta':
      rollingBetaInto(
        ctx.returns,
        ctx.marketReturn,
        { window: unit.window, minObs: unit.minObs, columns: N },
        ctx.beta,
      );
      return;
    case 'logMarketCap':
      mapInto(ctx.fields.get('market_cap')!, ctx.regressors[0]!, (m) => (m > 0 ? Math.log(m) : Number.NaN));
      return;
    case 'logReturn':
      mapInto(ctx.returns, ctx.logReturn, Math.log1p);
      return;
    case 'forward': {
      const hi = unit.index;
      const h = ctx.horizons[hi]!;
      const f = ctx.forward[hi]!;
      forwardReturnsInto(
        T,
        N,
        ctx.returns,
        h,
        ctx.executionDelay,
        f,
        new Float64Array(N),
        new Float64Array(h * N),
      );
      centredRowRanks(
        T,
        N,
        f,
        ctx.forwardRank[hi]!,
        ctx.forwardRankCount[hi]!,
        ctx.forwardRankSS[hi]!,
        ctx.forwardRank16?.[hi],
        new WasmBucketRanker(N),
        new Float64Array(N),
      );
      return;
    }
    case 'bases':
      fillSharedFwlBases(ctx, ctx.fwlBases!, unit.from, unit.to);
      return;
  }
}

/**
 * Builds the shared context of a research run from a universe, in this thread (the signal tier spreads
 * the same units over its workers: context-task.ts).
 */
export function buildSignalContext(universe: Universe, options: SignalContextOptions = {}): SignalContext {
  const { ctx, units } = planSignalContext(universe, options);
  for (const unit of units) runContextUnit(ctx, unit);
  return ctx;
}
