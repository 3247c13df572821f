import type { Panel } from '../src/core/panel.ts';
import { Rng } from '../src/core/rng.ts';
import { fitCovarianceSuite } from '../src/risk/covariance/suite.ts';
import type { CovarianceMethod } from '../src/risk/covariance/types.ts';
import { CovarianceWindow } from '../src/risk/covariance/window.ts';
import { fitFamaMacBeth } from '../src/risk/factor-model/fama-macbeth.ts';
import type { LoadingInput } from '../src/risk/factor-model/types.ts';
import { defineBenchmarks } from './harness.ts';

const FIVE: readonly CovarianceMethod[] = ['ledoit_wolf', 'oas', 'lw2020', 'rmt', 'pca'];

/** Returns with a 5-factor structure (market + 4 styles) plus idiosyncratic noise, date-major. */
function factorReturns(T: number, N: number, seed: number): Panel {
  const rng = new Rng(seed);
  const K = 5;
  const B = Float64Array.from({ length: N * K }, (_, q) =>
    q % K === 0 ? 1 + 0.3 * rng.normal() : rng.normal(),
  );
  const fSd = [0.01, 0.004, 0.003, 0.003, 0.002];
  const idio = Float64Array.from({ length: N }, () => 0.01 + 0.015 * rng.uniform());
  const values = new Float64Array(T * N);
  const f = new Float64Array(K);
  for (let t = 0; t < T; t++) {
    for (let k = 0; k < K; k++) f[k] = fSd[k]! * rng.normal();
    for (let i = 0; i < N; i++) {
      let r = idio[i]! * rng.normal();
      for (let k = 0; k < K; k++) r += B[i * K + k]! * f[k]!;
      values[t * N + i] = r;
    }
  }
  return {
    dates: Array.from({ length: T }, (_, t) => `d${String(t).padStart(5, '0')}`),
    tickers: Array.from({ length: N }, (_, i) => `S${i}`),
    values,
  };
}

/** Compiles the hot paths on a small problem so the timed run measures steady-state code. */
function warmUp(): void {
  fitCovarianceSuite(factorReturns(120, 200, 99), { methods: FIVE });
}

const ms = (t0: number) => performance.now() - t0;
/** CPU time of this process since `c0`, in ms: on the shared 2-core machine wall time also counts waiting. */
const cpuMs = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

export default defineBenchmarks([
  {
    name: 'risk.covariance.five',
    size: '1500 stocks × 504 days',
    target: '≤ 2 s for all five',
    setup() {
      warmUp();
      return factorReturns(504, 1500, 1);
    },
    run(panel: Panel) {
      const out: Record<string, number> = {};
      const c0 = process.cpuUsage();
      let t0 = performance.now();
      const w = CovarianceWindow.fromPanel(panel, { lookback: 504 });
      out.windowMs = ms(t0);
      t0 = performance.now();
      w.crossProduct();
      out.gramMs = ms(t0);
      for (const m of FIVE) {
        t0 = performance.now();
        fitCovarianceSuite(w, { methods: [m] });
        out[`${m}Ms`] = ms(t0);
      }
      out.totalMs = Object.values(out).reduce((a, b) => a + b, 0);
      out.totalCpuMs = cpuMs(c0);
      return out;
    },
  },
  {
    name: 'risk.covariance.slide21',
    size: '1500 stocks × 504 days, 10 rebalances 21 days apart',
    target: 'amortised per-rebalance cost',
    setup() {
      warmUp();
      return factorReturns(504 + 21 * 10, 1500, 2);
    },
    run(panel: Panel) {
      let w = CovarianceWindow.fromPanel(panel, { lookback: 504, end: 503 });
      fitCovarianceSuite(w, { methods: FIVE });
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      let gram = 0;
      for (let r = 1; r <= 10; r++) {
        w = w.slide(panel, { lookback: 504, end: 503 + 21 * r });
        const g0 = performance.now();
        w.crossProduct();
        gram += ms(g0);
        fitCovarianceSuite(w, { methods: FIVE });
      }
      return {
        msPerRebalance: ms(t0) / 10,
        cpuMsPerRebalance: cpuMs(c0) / 10,
        gramUpdateMsPerRebalance: gram / 10,
      };
    },
  },
  {
    name: 'risk.fama_macbeth.build',
    size: '1500 stocks × 2520 days × 8 loadings',
    target: '≤ 2 s',
    setup() {
      const T = 2520;
      const N = 1500;
      const returns = factorReturns(T, N, 3);
      const rng = new Rng(4);
      const loadings: LoadingInput[] = Array.from({ length: 8 }, (_, k) => {
        const base = Float64Array.from({ length: N }, () => rng.normal());
        const v = new Float64Array(T * N);
        // Slowly drifting exposures with a few missing values, like z-scored style loadings.
        for (let t = 0; t < T; t++)
          for (let i = 0; i < N; i++)
            v[t * N + i] = rng.uniform() < 0.002 ? Number.NaN : base[i]! + 0.05 * rng.normal();
        return { name: `style_${k}`, panel: { dates: returns.dates, tickers: returns.tickers, values: v } };
      });
      fitFamaMacBeth(
        factorReturns(200, 100, 5),
        loadings.map((l) => ({
          ...l,
          panel: {
            dates: l.panel.dates.slice(0, 200),
            tickers: l.panel.tickers.slice(0, 100),
            values: sub(l.panel.values, N, 200, 100),
          },
        })),
      );
      return { returns, loadings };
    },
    run({ returns, loadings }: { returns: Panel; loadings: LoadingInput[] }) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const res = fitFamaMacBeth(returns, loadings);
      if (res.status !== 'ok') throw new Error(res.reason);
      res.model.covariance();
      return { buildMs: ms(t0), buildCpuMs: cpuMs(c0), validDates: res.model.factorReturnDates.length };
    },
  },
]);

function sub(v: Float64Array, N: number, T: number, n: number): Float64Array {
  const out = new Float64Array(T * n);
  for (let t = 0; t < T; t++) out.set(v.subarray(t * N, t * N + n), t * n);
  return out;
}
