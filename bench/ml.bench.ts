/**
 * ml benchmarks: the seed-003 booster (100,000 × 53, 3 classes, 300 rounds, depth 6, η 0.05, subsample 0.8,
 * colsample 0.8, min_child_weight 5, single-threaded; target ≤ 20 s of training) and its 500,000-row version,
 * prediction throughput (wall and CPU: the machine is shared, so CPU time is the steadier figure; decision 066),
 * and test log loss on synthetic data with a known signal against three references: the class prior, a
 * multinomial logistic regression (linear in the features) and the Bayes optimum.
 */
import { loadavg } from 'node:os';
import { Rng } from '../src/core/rng.ts';
import { fitPlatt } from '../src/ml/calibration/platt.ts';
import type { FeatureMatrix } from '../src/ml/gbdt/matrix.ts';
import { softmaxRowsInPlace } from '../src/ml/gbdt/objective.ts';
import { trainGbdt } from '../src/ml/gbdt/train.ts';
import { SEED003_SEARCH_SPACE, TpeSampler } from '../src/ml/tuning/index.ts';
import { multiclassLogLoss } from '../src/ml/validation/metrics.ts';
import { type SyntheticClassification, syntheticClassification } from '../test/ml/fixtures.ts';
import { defineBenchmarks } from './harness.ts';

const SEED003 = {
  nEstimators: 300,
  maxDepth: 6,
  learningRate: 0.05,
  subsample: 0.8,
  colsampleBytree: 0.8,
  minChildWeight: 5,
  seed: 42,
} as const;

function priorLogLoss(train: Int32Array, test: Int32Array): number {
  const pi = new Float64Array(3);
  for (const c of train) pi[c]! += 1 / train.length;
  const P = new Float64Array(test.length * 3);
  for (let i = 0; i < test.length; i++) P.set(pi, i * 3);
  return multiclassLogLoss(P, test, 3);
}

/**
 * Multinomial logistic regression on standardised features (NaN → 0 after standardising), fitted by
 * full-batch gradient descent on `fitRows` rows: the "simple reference" a tree model should beat when the
 * signal has an interaction and a non-linearity.
 */
function logisticLogLoss(
  train: SyntheticClassification,
  test: SyntheticClassification,
  fitRows: number,
  iterations: number,
): number {
  const p = train.X.cols;
  const mean = new Float64Array(p);
  const sd = new Float64Array(p);
  const n = Math.min(fitRows, train.X.rows);
  for (let j = 0; j < p; j++) {
    let s = 0;
    let s2 = 0;
    let c = 0;
    for (let i = 0; i < n; i++) {
      const v = train.X.values[i * p + j]!;
      if (Number.isNaN(v)) continue;
      s += v;
      s2 += v * v;
      c++;
    }
    mean[j] = s / c;
    sd[j] = Math.sqrt(Math.max(s2 / c - mean[j]! ** 2, 1e-300));
  }
  const z = (X: FeatureMatrix, i: number, j: number) => {
    const v = X.values[i * p + j]!;
    return Number.isNaN(v) ? 0 : (v - mean[j]!) / sd[j]!;
  };
  const W = new Float64Array(3 * (p + 1));
  const G = new Float64Array(W.length);
  const F = new Float64Array(3);
  const margins = (X: FeatureMatrix, i: number, out: Float64Array) => {
    for (let k = 0; k < 3; k++) {
      let s = W[k * (p + 1) + p]!;
      for (let j = 0; j < p; j++) s += W[k * (p + 1) + j]! * z(X, i, j);
      out[k] = s;
    }
    softmaxRowsInPlace(out, 1, 3);
  };
  for (let it = 0; it < iterations; it++) {
    G.fill(0);
    for (let i = 0; i < n; i++) {
      margins(train.X, i, F);
      for (let k = 0; k < 3; k++) {
        const r = (F[k]! - (train.y[i] === k ? 1 : 0)) / n;
        for (let j = 0; j < p; j++) G[k * (p + 1) + j]! += r * z(train.X, i, j);
        G[k * (p + 1) + p]! += r;
      }
    }
    for (let q = 0; q < W.length; q++) W[q]! -= 1.0 * G[q]!;
  }
  const P = new Float64Array(test.X.rows * 3);
  for (let i = 0; i < test.X.rows; i++) {
    margins(test.X, i, F);
    P.set(F, i * 3);
  }
  return multiclassLogLoss(P, test.y, 3);
}

function boosterCase(rows: number, target: string, withReferences: boolean) {
  return {
    name: `ml.gbdt.train.${rows / 1000}k`,
    size: `${rows}x53, 3 classes, 300 rounds, depth 6`,
    target,
    setup() {
      const train = syntheticClassification(rows, 53, 1);
      const test = syntheticClassification(50_000, 53, 2);
      const refs = withReferences
        ? {
            priorLogLoss: priorLogLoss(train.y, test.y),
            logisticLogLoss: logisticLogLoss(train, test, 20_000, 150),
            bayesLogLoss: multiclassLogLoss(test.bayes, test.y, 3),
          }
        : {};
      return { train, test, refs };
    },
    run(s: { train: SyntheticClassification; test: SyntheticClassification; refs: Record<string, number> }) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const model = trainGbdt(s.train.X, s.train.y, { params: SEED003 });
      const trainMs = performance.now() - t0;
      const cpu = process.cpuUsage(c0);
      const c1 = process.cpuUsage();
      const t1 = performance.now();
      const P = model.predictProba(s.test.X);
      const predictMs = performance.now() - t1;
      const predictCpu = process.cpuUsage(c1);
      return {
        trainMs,
        trainCpuMs: (cpu.user + cpu.system) / 1000,
        msPerTree: trainMs / model.trees.length,
        cpuMsPerTree: (cpu.user + cpu.system) / 1000 / model.trees.length,
        predictRowsPerSec: s.test.X.rows / (predictMs / 1000),
        predictRowsPerCpuSec: s.test.X.rows / ((predictCpu.user + predictCpu.system) / 1e6),
        loadAvg1: loadavg()[0]!,
        testLogLoss: multiclassLogLoss(P, s.test.y, 3),
        ...s.refs,
      };
    },
  };
}

export default defineBenchmarks([
  boosterCase(100_000, 'train ≤ 20 s (trainMs; wall adds the 50k-row prediction)', true),
  boosterCase(500_000, 'report', false),
  {
    name: 'ml.tpe.ask',
    size: 'seed-003 space, asks 11…100',
    run() {
      const s = new TpeSampler(SEED003_SEARCH_SPACE, { seed: 1 });
      let tpeMs = 0;
      for (let t = 0; t < 100; t++) {
        const t0 = performance.now();
        const { number, params } = s.ask();
        if (t >= 10) tpeMs += performance.now() - t0;
        s.tell(number, params, Math.log(params.learning_rate!) ** 2 + params.max_depth! / 10);
      }
      return { usPerTpeAsk: (tpeMs * 1000) / 90 };
    },
  },
  {
    name: 'ml.platt.fit',
    size: '1,000,000 scores',
    setup() {
      const rng = new Rng(3);
      const n = 1_000_000;
      const f = new Float64Array(n);
      const y = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        f[i] = rng.uniform();
        y[i] = rng.uniform() < 0.2 + 0.6 * f[i]! ? 1 : 0;
      }
      return { f, y };
    },
    run({ f, y }: { f: Float64Array; y: Uint8Array }) {
      const s = fitPlatt(f, y);
      return { iterations: s.iterations, gradientNorm: s.gradientNorm };
    },
  },
]);
