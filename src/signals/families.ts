/**
 * The 11 base signal families of seed 002, with its defects fixed (methods.md Appendix A item 11):
 * - every family uses its lookback: fields without a window of their own (value, revisions, short interest,
 *   surprise, accruals, asset growth, ROE) become trailing means over the lookback;
 * - momentum and reversal use log returns (methods.md §1) and the skip really skips the latest days;
 * - QRE is a quality signal (trailing return on equity), not LOW's twin;
 * - the decay half-life is applied afterwards as EWMA smoothing (see ewma.ts and pipeline.ts).
 *
 * Window rule shared by every family: the window of row t covers rows t−lookback+1 … t−skip (data ≤ t), and
 * a value needs at least ⌈0.8·(lookback − skip)⌉ non-NaN observations in it (MIN_OBS_SHARE) — a few missing
 * days do not erase a signal, a stock with too short a history has none. A mean over the window is used
 * instead of a sum so a missing day is not counted as a zero return.
 */
import { rollingMean, rollingStd } from '../stats/index.ts';
import type { TrailingWindow } from './raw-stream.ts';
import {
  defineSignalFamily,
  defineSignalSpec,
  type RawSignalInputs,
  type SignalFamily,
  type SignalSpec,
} from './spec.ts';

/** Share of the window that must be observed (see the module comment). */
export const MIN_OBS_SHARE = 0.8;

export function windowMinObs(window: number): number {
  return Math.max(1, Math.ceil(MIN_OBS_SHARE * window));
}

/** Moves every row down by `skip` rows (row t ← row t−skip; the first `skip` rows become NaN), in place. */
function shiftRowsDown(T: number, N: number, x: Float64Array, skip: number): void {
  if (skip === 0) return;
  x.copyWithin(skip * N, 0, Math.max(0, T - skip) * N);
  x.fill(Number.NaN, 0, Math.min(T, skip) * N);
}

function scaleInPlace(x: Float64Array, c: number): void {
  if (c === 1) return;
  for (let k = 0; k < x.length; k++) x[k] = x[k]! * c;
}

/** sign × trailing mean of `x` over rows t−lookback+1 … t−skip. */
export function trailingMeanSkip(
  inp: RawSignalInputs,
  x: Float64Array,
  spec: SignalSpec,
  sign: number,
  out: Float64Array,
): void {
  const window = spec.lookback - spec.skip;
  rollingMean(x, { window, minObs: windowMinObs(window), columns: inp.N }, out);
  shiftRowsDown(inp.T, inp.N, out, spec.skip);
  scaleInPlace(out, sign);
}

/**
 * The streaming form of each built-in family (raw-stream.ts), keyed by the family object so that a user
 * family that reuses a built-in name is computed by its own `compute`.
 */
const trailingWindows = new WeakMap<
  SignalFamily,
  (inp: RawSignalInputs, spec: SignalSpec) => TrailingWindow | undefined
>();

/** The trailing window a family computes for `spec`, if it is a built-in that can stream; else undefined. */
export function trailingWindowOf(
  family: SignalFamily,
  inp: RawSignalInputs,
  spec: SignalSpec,
): TrailingWindow | undefined {
  return trailingWindows.get(family)?.(inp, spec);
}

/** A family that is `sign` × the trailing mean of `input` over rows t−lookback+1 … t−skip. */
function trailingMeanFamily(
  name: string,
  description: string,
  inputs: readonly string[],
  input: (inp: RawSignalInputs, spec: SignalSpec) => Float64Array,
  sign: 1 | -1,
): SignalFamily {
  const family = defineSignalFamily({
    name,
    description,
    inputs,
    compute(inp, spec, out) {
      trailingMeanSkip(inp, input(inp, spec), spec, sign, out);
    },
  });
  trailingWindows.set(family, (inp, spec) => {
    const window = spec.lookback - spec.skip;
    return { x: input(inp, spec), window, skip: spec.skip, minObs: windowMinObs(window), stat: 'mean', sign };
  });
  return family;
}

/** A family that is `sign` × the trailing mean of one universe field. */
function trailingFieldFamily(name: string, field: string, sign: 1 | -1, description: string): SignalFamily {
  return trailingMeanFamily(
    name,
    description,
    [field],
    (inp, spec) => inp.field(spec.inputs[0] ?? field),
    sign,
  );
}

// Mean log return over t−lookback+1 … t−skip ∝ ln(P_{t−skip}/P_{t−lookback}) when complete.
const momentum = (name: string, description: string) =>
  trailingMeanFamily(name, description, ['return'], (inp) => inp.logReturn, 1);

const lowVolatility = defineSignalFamily({
  name: 'LOW',
  description: 'Low volatility: minus the standard deviation (ddof 1) of log returns over the lookback',
  inputs: ['return'],
  compute(inp, spec, out) {
    const window = spec.lookback - spec.skip;
    rollingStd(
      inp.logReturn,
      { window, minObs: Math.max(2, windowMinObs(window)), columns: inp.N, ddof: 1 },
      out,
    );
    shiftRowsDown(inp.T, inp.N, out, spec.skip);
    scaleInPlace(out, -1);
  },
});
trailingWindows.set(lowVolatility, (inp, spec) => {
  const window = spec.lookback - spec.skip;
  const minObs = Math.max(2, windowMinObs(window));
  // A one-row window cannot hold 2 values: the panel path reports that as an error, so let it.
  if (minObs > window) return undefined;
  return { x: inp.logReturn, window, skip: spec.skip, minObs, stat: 'std', sign: -1 };
});

export const builtinFamilyList: readonly SignalFamily[] = [
  momentum('MOM', '12-1 month price momentum: mean log return over the lookback, skipping the last month'),
  momentum('MOM6', '6-1 month price momentum: mean log return over the lookback, skipping the last month'),
  trailingMeanFamily(
    'STR',
    'Short-term reversal: minus the mean log return over the lookback',
    ['return'],
    (inp) => inp.logReturn,
    -1,
  ),
  trailingFieldFamily('QRE', 'roe', 1, 'Quality: trailing mean return on equity'),
  trailingFieldFamily('VAL', 'book_to_market', 1, 'Value: trailing mean book-to-market'),
  trailingFieldFamily('EPS', 'eps_revision', 1, 'Earnings revisions: trailing mean FY1 EPS revision'),
  trailingFieldFamily(
    'SHT',
    'short_interest',
    -1,
    'Short interest (contrarian): minus the trailing mean short interest',
  ),
  lowVolatility,
  trailingFieldFamily(
    'ERN',
    'earnings_surprise',
    1,
    'Earnings surprise persistence: trailing mean standardised surprise',
  ),
  trailingFieldFamily(
    'ACC',
    'accruals',
    -1,
    'Accruals (quality): minus the trailing mean operating accruals',
  ),
  trailingFieldFamily(
    'AGR',
    'asset_growth',
    -1,
    'Asset growth (conservative investment): minus the trailing mean asset growth',
  ),
];

export const builtinFamilies: ReadonlyMap<string, SignalFamily> = new Map(
  builtinFamilyList.map((f) => [f.name, f]),
);

/** Seed 002's base specs (v = 0): lookback, skip and decay half-life in trading days. */
const BASE: readonly (readonly [string, number, number, number])[] = [
  ['MOM', 252, 21, 30],
  ['MOM6', 126, 21, 20],
  ['STR', 21, 0, 5],
  ['QRE', 252, 0, 60],
  ['VAL', 63, 0, 90],
  ['EPS', 63, 0, 45],
  ['SHT', 21, 0, 30],
  ['LOW', 126, 0, 45],
  ['ERN', 63, 0, 21],
  ['ACC', 252, 0, 90],
  ['AGR', 252, 0, 90],
];

export const baseSignalSpecs: readonly SignalSpec[] = BASE.map(([name, lookback, skip, halfLife]) => {
  const f = builtinFamilies.get(name)!;
  return defineSignalSpec({
    name,
    family: name,
    description: f.description,
    inputs: f.inputs,
    lookback,
    skip,
    halfLife,
  });
});

/**
 * Seed 002's parameter sweep: for v = 0 … variants−1, scale = 1 + 0.5v, lookback and half-life scaled and
 * truncated to integers, skip unchanged, names `MOM`, …, `MOM_v1`, …; ordered v-major as in the seed.
 * The default 10 variants of the 11 bases give the 110 specs of the seed.
 */
export function variantSweep(bases: readonly SignalSpec[] = baseSignalSpecs, variants = 10): SignalSpec[] {
  const out: SignalSpec[] = [];
  for (let v = 0; v < variants; v++) {
    const scale = 1 + 0.5 * v;
    for (const b of bases) {
      out.push(
        defineSignalSpec({
          ...b,
          name: v === 0 ? b.name : `${b.name}_v${v}`,
          lookback: Math.trunc(b.lookback * scale),
          halfLife: Math.trunc(b.halfLife * scale),
        }),
      );
    }
  }
  return out;
}
