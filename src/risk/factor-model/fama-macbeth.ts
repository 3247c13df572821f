/**
 * Fama–MacBeth (1973) structural factor risk model, methods.md §6 and seed 000 (PR C.2b):
 * per-date OLS of returns r_t on B_t = [1, loadings known at t − lag], then F = cov(f̂) (ddof 1),
 * D_i = var(ε_{·,i}) (ddof 1, ≥ minSpecificObs else the cross-sectional median) and
 * Σ = B_T F B_Tᵀ + diag(D) as a structured operator.
 *
 * Reads only return rows ≤ `end` and loading rows ≤ `end` (B_T is the as-of row), so the model built as
 * of `end` is point-in-time: nothing dated after `end` can change it (test/risk/no-look-ahead.test.ts).
 */
import { InvalidInputError } from '../../core/errors.ts';
import type { Panel } from '../../core/panel.ts';
import { assembleFactorModel } from './assemble.ts';
import {
  CrossSectionScratch,
  crossSectionResiduals,
  gatherCompleteAssets,
  normalEquations,
  solveCrossSection,
} from './cross-section.ts';
import type {
  DroppedItem,
  FamaMacBethDiagnostics,
  FamaMacBethOptions,
  FamaMacBethResult,
  LoadingInput,
  SkippedDate,
} from './types.ts';

export const FM_DEFAULTS = {
  loadingLag: 1,
  minDates: 60,
  minTickers: 30,
  minAssetsPerDate: 30,
  maxCondition: 1e10,
  minSpecificObs: 20,
} as const;

function checkOption(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) {
    throw new InvalidInputError(`${name} must be an integer ≥ ${min}, got ${v}`, { where: { field: name } });
  }
}

function checkGrid(returns: Panel, l: LoadingInput): void {
  const p = l.panel;
  const same =
    p.dates.length === returns.dates.length &&
    p.tickers.length === returns.tickers.length &&
    p.values.length === returns.values.length &&
    p.dates.every((d, t) => d === returns.dates[t]) &&
    p.tickers.every((s, i) => s === returns.tickers[i]);
  if (!same) {
    throw new InvalidInputError(`loading '${l.name}' is not on the returns panel's dates × tickers grid`, {
      where: { field: l.name },
    });
  }
}

/** A loading column is constant on a date when its finite values span ≤ 1e-12 of their magnitude. */
function constantOnEveryDate(
  v: Float64Array,
  N: number,
  rows: [number, number],
  banned: Uint8Array,
): boolean {
  for (let t = rows[0]; t <= rows[1]; t++) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    const o = t * N;
    for (let i = 0; i < N; i++) {
      const x = v[o + i]!;
      if (Number.isNaN(x) || banned[i] === 1) continue;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    if (hi - lo > 1e-12 * Math.max(1, Math.abs(lo), Math.abs(hi))) return false;
  }
  return true;
}

/**
 * Fits the Fama–MacBeth risk model. Returns `status: 'skipped'` with a reason for the seed-000 build
 * rules (empty panel, fewer than `minDates` return dates, no loading columns, fewer than `minTickers`
 * tickers carrying every loading, fewer than 2 valid cross-sections). Malformed tickers (±Infinity in
 * their returns or loadings) are dropped and counted; they never abort the build.
 */
export function fitFamaMacBeth(
  returns: Panel,
  loadings: readonly LoadingInput[],
  options: FamaMacBethOptions = {},
): FamaMacBethResult {
  const o = { ...FM_DEFAULTS, ...options };
  checkOption('loadingLag', o.loadingLag, 0);
  checkOption('minDates', o.minDates, 1);
  checkOption('minTickers', o.minTickers, 1);
  checkOption('minAssetsPerDate', o.minAssetsPerDate, 1);
  checkOption('minSpecificObs', o.minSpecificObs, 2);
  if (!(o.maxCondition > 1)) {
    throw new InvalidInputError(`maxCondition must be > 1, got ${o.maxCondition}`, {
      where: { field: 'maxCondition' },
    });
  }
  for (const l of loadings) checkGrid(returns, l);
  const N = returns.tickers.length;
  const Tall = returns.dates.length;
  const diag = (extra: Partial<FamaMacBethDiagnostics> = {}): FamaMacBethDiagnostics => ({
    returnDates: 0,
    validDates: 0,
    tickersWithAllLoadings: 0,
    droppedFactors: [],
    malformedTickers: [],
    tickersWithoutLoadings: [],
    ...extra,
  });
  if (Tall === 0 || N === 0) {
    return { status: 'skipped', reason: 'the returns panel is empty', diagnostics: diag() };
  }
  const lag = o.loadingLag;
  const end = o.end ?? Tall - 1;
  if (!Number.isInteger(end) || end < 0 || end >= Tall) {
    throw new InvalidInputError(`end must be a date index in [0, ${Tall - 1}], got ${end}`, {
      where: { field: 'end' },
    });
  }
  const earliest = Math.max(lag, 0);
  const lookback = o.lookback ?? end - earliest + 1;
  checkOption('lookback', lookback, 1);
  const start = Math.max(earliest, end - lookback + 1);
  const returnDates = Math.max(0, end - start + 1);
  if (returnDates < o.minDates) {
    return {
      status: 'skipped',
      reason: `the returns panel has ${returnDates} usable dates up to ${returns.dates[end]}, fewer than ${o.minDates}`,
      diagnostics: diag({ returnDates }),
    };
  }
  if (loadings.length === 0) {
    return { status: 'skipped', reason: 'no loading columns were given', diagnostics: diag({ returnDates }) };
  }

  // Malformed tickers: any ±Infinity in the rows this build reads.
  const banned = new Uint8Array(N);
  const malformedTickers: DroppedItem[] = [];
  const lagRows: [number, number] = [start - lag, end - lag];
  const scan = (v: Float64Array, t0: number, t1: number, what: string) => {
    for (let t = t0; t <= t1; t++) {
      const off = t * N;
      for (let i = 0; i < N; i++) {
        const x = v[off + i]!;
        if (banned[i] === 0 && x - x !== 0 && !Number.isNaN(x)) {
          banned[i] = 1;
          malformedTickers.push({
            name: returns.tickers[i]!,
            reason: `${what} is ${x} on ${returns.dates[t]}`,
          });
        }
      }
    }
  };
  scan(returns.values, start, end, 'return');
  for (const l of loadings) scan(l.panel.values, Math.min(lagRows[0], end), end, `loading '${l.name}'`);

  const droppedFactors: DroppedItem[] = [];
  const kept: LoadingInput[] = [];
  for (const l of loadings) {
    if (constantOnEveryDate(l.panel.values, N, lagRows, banned)) {
      droppedFactors.push({ name: l.name, reason: 'no cross-sectional variance on any date' });
    } else kept.push(l);
  }
  if (kept.length === 0) {
    return {
      status: 'skipped',
      reason: 'no loadings: every loading column lacks cross-sectional variance',
      diagnostics: diag({ returnDates, droppedFactors, malformedTickers }),
    };
  }
  const cols = kept.map((l) => l.panel.values);
  const K = kept.length + 1;

  const carries = new Uint8Array(N);
  for (let t = lagRows[0]; t <= lagRows[1]; t++) {
    const off = t * N;
    outer: for (let i = 0; i < N; i++) {
      if (carries[i] === 1 || banned[i] === 1) continue;
      for (const c of cols) if (Number.isNaN(c[off + i]!)) continue outer;
      carries[i] = 1;
    }
  }
  let tickersWithAllLoadings = 0;
  for (let i = 0; i < N; i++) tickersWithAllLoadings += carries[i]!;
  if (tickersWithAllLoadings < o.minTickers) {
    return {
      status: 'skipped',
      reason: `${tickersWithAllLoadings} tickers carry all ${kept.length} loading columns, fewer than ${o.minTickers}`,
      diagnostics: diag({ returnDates, tickersWithAllLoadings, droppedFactors, malformedTickers }),
    };
  }

  // Per-date regressions.
  const idx = new Int32Array(N);
  const Bt = new Float64Array(N * (K + 1));
  const eRow = new Float64Array(N);
  const BtB = new Float64Array(K * K);
  const Btr = new Float64Array(K);
  const f = new Float64Array(K);
  const scratch = new CrossSectionScratch(K);
  const fHat = new Float64Array(returnDates * K);
  const validDates: string[] = [];
  const skippedDates: SkippedDate[] = [];
  const epsSum = new Float64Array(N);
  const epsSumSq = new Float64Array(N);
  const epsCount = new Int32Array(N);
  const residuals = o.keepResiduals ? new Float64Array(returnDates * N).fill(Number.NaN) : undefined;
  const minAssets = Math.max(o.minAssetsPerDate, 2 * K);
  for (let t = start; t <= end; t++) {
    const n = gatherCompleteAssets(N, returns.values, t * N, cols, (t - lag) * N, banned, idx, Bt);
    const date = returns.dates[t]!;
    if (n < minAssets) {
      skippedDates.push({ date, reason: 'too-few-assets', assets: n, condition: Number.NaN });
      continue;
    }
    normalEquations(n, K, Bt, N, BtB, Btr);
    const fit = solveCrossSection(n, K, BtB, Btr, o.maxCondition, f, scratch);
    if (!fit.ok) {
      skippedDates.push({ date, reason: fit.reason!, assets: n, condition: fit.condition });
      continue;
    }
    fHat.set(f.subarray(0, K), validDates.length * K);
    validDates.push(date);
    crossSectionResiduals(n, K, Bt, N, f, eRow);
    for (let s = 0; s < n; s++) {
      const i = idx[s]!;
      const e = eRow[s]!;
      epsSum[i]! += e;
      epsSumSq[i]! += e * e;
      epsCount[i]!++;
      if (residuals) residuals[(t - start) * N + i] = e;
    }
  }
  const baseDiagnostics = {
    returnDates,
    validDates: validDates.length,
    tickersWithAllLoadings,
    droppedFactors,
    malformedTickers,
  };
  // D_i needs `minSpecificObs` residuals (else the median of the others); with fewer valid cross-sections
  // than that no asset qualifies and the median fallback has nothing to take the median of.
  const neededDates = Math.max(2, o.minSpecificObs);
  if (validDates.length < neededDates) {
    return {
      status: 'skipped',
      reason: `${validDates.length} of ${returnDates} dates passed the per-date rules; F and D need at least ${neededDates}`,
      diagnostics: diag(baseDiagnostics),
    };
  }
  let withOwnD = 0;
  for (let i = 0; i < N; i++) if (epsCount[i]! >= o.minSpecificObs) withOwnD++;
  if (withOwnD === 0) {
    return {
      status: 'skipped',
      reason: `no asset has ${o.minSpecificObs} residuals for its specific variance, so D has no median fallback`,
      diagnostics: diag(baseDiagnostics),
    };
  }
  const { model, tickersWithoutLoadings } = assembleFactorModel({
    asOf: returns.dates[end]!,
    factors: ['intercept', ...kept.map((l) => l.name)],
    tickers: returns.tickers,
    asOfLoadings: cols,
    asOfOffset: end * N,
    banned,
    fHat: fHat.subarray(0, validDates.length * K),
    validDates,
    skippedDates,
    epsSum,
    epsSumSq,
    epsCount,
    minSpecificObs: o.minSpecificObs,
    ...(o.nwLags === undefined ? {} : { nwLags: o.nwLags }),
  });
  const diagnostics = diag({ ...baseDiagnostics, tickersWithoutLoadings });
  if (residuals) {
    const resPanel: Panel = {
      dates: returns.dates.slice(start, end + 1),
      tickers: returns.tickers,
      values: residuals,
    };
    return { status: 'ok', model, diagnostics, residuals: resPanel };
  }
  return { status: 'ok', model, diagnostics };
}
