/**
 * The assertion suite run on every backtest (seed 001 P3.3): monotonic dates without duplicates, forward
 * returns consistent with realised returns, no NaN where forbidden, and neutrality, box and leverage within
 * tolerance at every rebalance. Each check reports rather than throws, so the report shows all of them.
 */
import type { EqualityConstraint } from '../portfolio/constraints.ts';
import type { SimulationResult } from './simulate.ts';

export interface AssertionResult {
  readonly assertion: string;
  readonly passed: boolean;
  readonly detail: string;
}

const ok = (assertion: string, detail: string): AssertionResult => ({ assertion, passed: true, detail });
const fail = (assertion: string, detail: string): AssertionResult => ({ assertion, passed: false, detail });

export function assertDates(dates: readonly string[], tickers: readonly string[]): AssertionResult[] {
  const out: AssertionResult[] = [];
  let bad = -1;
  for (let t = 1; t < dates.length; t++) if (!(dates[t]! > dates[t - 1]!)) bad = t;
  out.push(
    bad < 0
      ? ok('dates strictly increasing', `${dates.length} dates`)
      : fail('dates strictly increasing', `at ${dates[bad]}`),
  );
  const dup = tickers.length - new Set(tickers).size;
  out.push(
    dup === 0
      ? ok('tickers unique', `${tickers.length} tickers`)
      : fail('tickers unique', `${dup} duplicates`),
  );
  return out;
}

/**
 * Label at t must equal Π_{s=t+d+1}^{t+d+h}(1 + r_s) − 1 wherever both exist (methods.md §1). Checks every
 * `stride`-th date over all tickers; relative tolerance 1e-9.
 */
export function assertForwardReturns(
  returns: Float64Array,
  forward: Float64Array,
  T: number,
  N: number,
  h: number,
  d: number,
  stride = 17,
): AssertionResult {
  let checked = 0;
  let worst = 0;
  let where = '';
  for (let t = 0; t + d + h < T; t += stride) {
    for (let i = 0; i < N; i++) {
      const f = forward[t * N + i]!;
      let g = 1;
      for (let s = t + d + 1; s <= t + d + h; s++) g *= 1 + returns[s * N + i]!;
      const real = g - 1;
      if (Number.isNaN(f) || Number.isNaN(real)) continue;
      checked++;
      const err = Math.abs(f - real) / Math.max(1, Math.abs(real));
      if (err > worst) {
        worst = err;
        where = `t=${t}, i=${i}`;
      }
    }
  }
  const name = `forward returns (h=${h}, d=${d}) match realised returns`;
  return worst <= 1e-9
    ? ok(name, `${checked} labels checked`)
    : fail(name, `max relative error ${worst.toExponential(2)} at ${where}`);
}

export interface PortfolioLimits {
  readonly box?: number;
  readonly maxGross?: number;
  /** Rows the book must satisfy at each rebalance, given per decision index. */
  readonly equalities?: (decisionIndex: number) => readonly EqualityConstraint[];
  readonly tolerance?: number;
}

/**
 * Box, gross and neutrality are checked on the rebalances that traded an optimised book. A rebalance that held
 * the drifted book is excluded from those checks (drift alone moves a book off its limits): a failed solve
 * (`info.status` 'infeasible' or 'not-converged') fails the suite, a missing risk model ('no-model', e.g.
 * too little history for the factor model) is reported.
 */
export function assertPortfolio(sim: SimulationResult, limits: PortfolioLimits): AssertionResult[] {
  const tol = limits.tolerance ?? 1e-6;
  const out: AssertionResult[] = [];
  const traded = sim.rebalances.filter((r) => r.info.status === undefined || r.info.status === 'ok');
  const failed = sim.rebalances.filter(
    (r) => r.info.status === 'infeasible' || r.info.status === 'not-converged',
  ).length;
  const noModel = sim.rebalances.filter((r) => r.info.status === 'no-model').length;
  const detail = `${traded.length} of ${sim.rebalances.length} optimised${noModel ? `; ${noModel} held for want of a risk model (e.g. too little history)` : ''}`;
  out.push(
    failed === 0
      ? ok('no failed solves', detail)
      : fail('no failed solves', `${failed} solves failed and held the drifted book; ${detail}`),
  );
  const T = sim.dates.length;
  let nanDays = 0;
  for (let s = sim.firstActiveIndex; s < T; s++) if (!Number.isFinite(sim.netReturns[s]!)) nanDays++;
  out.push(
    nanDays === 0
      ? ok('no NaN in net returns', `${T - sim.firstActiveIndex} days`)
      : fail('no NaN in net returns', `${nanDays} days`),
  );
  if (limits.box !== undefined) {
    let worst = 0;
    for (const r of traded) for (const w of r.weights) worst = Math.max(worst, Math.abs(w));
    out.push(
      worst <= limits.box + tol
        ? ok('box limits', `max |w| ${worst.toExponential(3)} ≤ ${limits.box}`)
        : fail('box limits', `max |w| ${worst} > ${limits.box}`),
    );
  }
  if (limits.maxGross !== undefined) {
    let worst = 0;
    for (const r of traded)
      worst = Math.max(
        worst,
        r.weights.reduce((a, w) => a + Math.abs(w), 0),
      );
    out.push(
      worst <= limits.maxGross + tol
        ? ok('gross leverage', `max ${worst.toFixed(4)} ≤ ${limits.maxGross}`)
        : fail('gross leverage', `max ${worst} > ${limits.maxGross}`),
    );
  }
  if (limits.equalities) {
    let worst = 0;
    let where = '';
    for (const r of traded) {
      for (const c of limits.equalities(r.decisionIndex)) {
        let v = 0;
        for (let i = 0; i < c.row.length; i++) v += c.row[i]! * r.weights[i]!;
        if (Math.abs(v) > worst) {
          worst = Math.abs(v);
          where = `${c.name} on ${r.date}`;
        }
      }
    }
    out.push(
      worst <= tol
        ? ok('neutrality', `max |Aw| ${worst.toExponential(2)}`)
        : fail('neutrality', `|Aw| = ${worst.toExponential(2)} (${where})`),
    );
  }
  return out;
}
