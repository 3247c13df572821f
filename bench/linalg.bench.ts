/**
 * linalg benchmarks. Each case reports wall and CPU milliseconds (the machine is shared, so CPU time is
 * the steadier number) and a rate: GFLOP/s for gemm/syrk (2mnk and n²k flops), seconds for eigen.
 */
import { loadavg } from 'node:os';
import { Rng } from '../src/core/rng.ts';
import { generateSyntheticMarket } from '../src/data/synthetic/index.ts';
import {
  applyQBlocked,
  crossProductOperator,
  dgemm,
  dsyrk,
  dsytrdUpperRows,
  gram,
  type Matrix,
  StructuredCovariance,
  symmetricEigen,
  symmetricEigenRows,
  topEigenpairs,
  tridiagonalDivideConquer,
} from '../src/linalg/index.ts';
import { CovarianceWindow } from '../src/risk/covariance/window.ts';
import { defineBenchmarks } from './harness.ts';

const T = 504;
const P = 1500;

function gaussian(rows: number, cols: number, seed: number): Matrix {
  const data = new Float64Array(rows * cols);
  new Rng(seed).fillNormal(data);
  return { rows, cols, data };
}

/** Returns-like data: a market factor and noise, so the spectrum has a few spikes on a bulk. */
function returnsLike(rows: number, cols: number, seed: number): Matrix {
  const X = gaussian(rows, cols, seed);
  const rng = new Rng(seed + 1);
  for (let t = 0; t < rows; t++) {
    const f = rng.normal();
    const g = rng.normal();
    for (let j = 0; j < cols; j++) X.data[t * cols + j] += 0.8 * f + 0.4 * g * ((j % 7) - 3);
  }
  return X;
}

/** Best of `reps` runs (wall), with the CPU time of that run. */
function timed(reps: number, fn: () => void): { wallMs: number; cpuMs: number } {
  let best = { wallMs: Number.POSITIVE_INFINITY, cpuMs: Number.POSITIVE_INFINITY };
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage().user;
    const w0 = performance.now();
    fn();
    const wallMs = performance.now() - w0;
    const cpuMs = (process.cpuUsage().user - c0) / 1000;
    if (cpuMs < best.cpuMs) best = { wallMs, cpuMs };
  }
  return best;
}

function eigenCase(n: number) {
  return {
    name: `linalg.eigen.n${n}`,
    size: `${n}x${n}`,
    setup: () => gram(returnsLike(n, 2 * n, n), { side: 'XXt', scale: 1 / (2 * n) }),
    run(A: Matrix) {
      const t = timed(n <= 600 ? 3 : 1, () => symmetricEigen(A));
      return { seconds: t.wallMs / 1000, cpuSeconds: t.cpuMs / 1000 };
    },
  };
}

/**
 * The portfolio stage's eigendecomposition (covarianceSpectrum: symmetricEigenRows of the window's 504 × 504
 * Gram matrix) on the last full-size window of the synthetic market (1500 × 2520), whole and by phase
 * (reduction, divide and conquer, back-transformation); CPU of the best of nine after two warm-up runs.
 */
function gramWindowCase() {
  return {
    name: 'linalg.eigen.gram504',
    size: '504x504 window Gram matrix, synthetic market 1500x2520',
    target: '≤ 60 ms CPU',
    setup() {
      const universe = generateSyntheticMarket({ stocks: 1500, days: 2520 }).universe;
      const returns = universe.panels.get('return')!;
      const w = CovarianceWindow.fromPanel(returns, { lookback: 504, end: 2519, minHistory: 454 });
      return { rows: w.T, cols: w.T, data: Float64Array.from(w.crossProduct()) } as Matrix;
    },
    run(G: Matrix) {
      const n = G.rows;
      for (let r = 0; r < 2; r++) symmetricEigenRows(G, { symmetryTolerance: Infinity });
      const whole = timed(9, () => symmetricEigenRows(G, { symmetryTolerance: Infinity }));
      const A = new Float64Array(n * n);
      const d = new Float64Array(n);
      const e = new Float64Array(n);
      const tau = new Float64Array(n - 2);
      const Q = new Float64Array(n * n);
      const reduce = timed(9, () => {
        A.set(G.data);
        dsytrdUpperRows(n, A, 0, n, d, e, tau, new Float64Array(n), new Float64Array(n));
      });
      const d0 = d.slice();
      const e0 = e.slice();
      const dc = timed(9, () => {
        d.set(d0);
        e.set(e0);
        tridiagonalDivideConquer(n, d, e, Q, 0, n);
      });
      const Q0 = Q.slice();
      const back = timed(9, () => {
        Q.set(Q0);
        applyQBlocked(n, n, A, 0, n, tau, Q, 0, n);
      });
      return {
        cpuMs: whole.cpuMs,
        wallMs: whole.wallMs,
        reduceCpuMs: reduce.cpuMs,
        divideConquerCpuMs: dc.cpuMs,
        backTransformCpuMs: back.cpuMs,
        load1: loadavg()[0]!,
      };
    },
  };
}

export default defineBenchmarks([
  gramWindowCase(),
  {
    name: 'linalg.gemm.XtX',
    size: `${T}x${P} → ${P}x${P}`,
    target: '≥ 2.5 GFLOP/s',
    setup: () => ({ X: gaussian(T, P, 1), C: new Float64Array(P * P) }),
    run({ X, C }: { X: Matrix; C: Float64Array }) {
      const t = timed(3, () => dgemm(true, false, P, P, T, 1, X.data, 0, P, X.data, 0, P, 0, C, 0, P));
      const flops = 2 * P * P * T;
      return { gflops: flops / t.wallMs / 1e6, gflopsCpu: flops / t.cpuMs / 1e6, cpuMs: t.cpuMs };
    },
  },
  {
    name: 'linalg.gemm.XXt',
    size: `${T}x${P} → ${T}x${T}`,
    target: '≥ 2.5 GFLOP/s',
    setup: () => ({ X: gaussian(T, P, 2), C: new Float64Array(T * T) }),
    run({ X, C }: { X: Matrix; C: Float64Array }) {
      const t = timed(3, () => dgemm(false, true, T, T, P, 1, X.data, 0, P, X.data, 0, P, 0, C, 0, T));
      const flops = 2 * T * T * P;
      return { gflops: flops / t.wallMs / 1e6, gflopsCpu: flops / t.cpuMs / 1e6, cpuMs: t.cpuMs };
    },
  },
  {
    name: 'linalg.syrk.XtX',
    size: `${T}x${P} → ${P}x${P} lower`,
    setup: () => ({ X: gaussian(T, P, 3), C: new Float64Array(P * P) }),
    run({ X, C }: { X: Matrix; C: Float64Array }) {
      const t = timed(3, () => dsyrk(true, true, P, T, 1, X.data, 0, P, 0, C, 0, P));
      const flops = P * P * T;
      return { gflops: flops / t.wallMs / 1e6, gflopsCpu: flops / t.cpuMs / 1e6, cpuMs: t.cpuMs };
    },
  },
  eigenCase(504),
  eigenCase(500),
  eigenCase(1000),
  eigenCase(1500),
  {
    name: 'linalg.topk.XtX',
    size: `k=20 of XᵀX, X ${T}x${P}`,
    setup: () => returnsLike(T, P, 4),
    run(X: Matrix) {
      let matvecs = 0;
      const t = timed(2, () => {
        matvecs = topEigenpairs(P, crossProductOperator(X), 20, { seed: 1 }).matvecs;
      });
      return { seconds: t.wallMs / 1000, cpuSeconds: t.cpuMs / 1000, matvecs };
    },
  },
  {
    name: 'linalg.structured.solve',
    size: 'p=3000 k=20',
    setup() {
      const p = 3000;
      const k = 20;
      const U = gaussian(p, k, 5).data;
      const C = new Float64Array(k * k);
      for (let i = 0; i < k; i++) C[i * k + i] = 0.01 * (i + 1);
      const d = new Float64Array(p).fill(0.04);
      const S = new StructuredCovariance({ p, k, diag: d, U, C });
      return { S, b: gaussian(1, p, 6).data, out: new Float64Array(p) };
    },
    run({ S, b, out }: { S: StructuredCovariance; b: Float64Array; out: Float64Array }) {
      const setup = timed(1, () => S.solve(b, out));
      const calls = 2000;
      const t = timed(1, () => {
        for (let r = 0; r < calls; r++) S.solve(b, out);
      });
      const q = timed(1, () => {
        for (let r = 0; r < calls; r++) S.quadForm(b);
      });
      return {
        setupMs: setup.wallMs,
        usPerSolve: (t.wallMs * 1000) / calls,
        usPerSolveCpu: (t.cpuMs * 1000) / calls,
        usPerQuadForm: (q.wallMs * 1000) / calls,
        usPerQuadFormCpu: (q.cpuMs * 1000) / calls,
      };
    },
  },
]);
