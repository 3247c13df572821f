import { businessDays } from '../src/core/calendar.ts';
import { Rng } from '../src/core/rng.ts';
import { evaluateRules } from '../src/monitor/evaluate.ts';
import { computeDriftMetrics, DEFAULT_DRIFT_METRIC_OPTIONS } from '../src/monitor/metrics.ts';
import { loadAlertRules } from '../src/monitor/rules.ts';
import type { DriftInput, PredictionBatch } from '../src/monitor/types.ts';
import { defineBenchmarks } from './harness.ts';

const N = 1500;
const FEATURES = 50;
const BASELINE_ROWS = 100;

function input(): DriftInput {
  const rng = new Rng(1);
  const dates = businessDays('2024-01-01', 120);
  const normal = (n: number) => {
    const a = new Float64Array(n);
    rng.fillNormal(a);
    return a;
  };
  const predictions: PredictionBatch[] = [];
  for (let s = 30; s < 114; s++) {
    const score = normal(N);
    predictions.push({
      date: dates[s]!,
      horizon: 5,
      resolvesOn: dates[s + 6]!,
      score,
      predictedClass: score.map((v) => (v > 0.5 ? 2 : v < -0.5 ? 0 : 1)),
      realisedReturn: normal(N),
      realisedClass: normal(N).map((v) => (v > 0.5 ? 2 : v < -0.5 ? 0 : 1)),
    });
  }
  return {
    date: dates[119]!,
    strategyId: 'bench',
    predictions,
    returns: { dates, values: normal(120).map((v) => 0.01 * v) },
    features: Array.from({ length: FEATURES }, (_, j) => ({
      name: `f${j}`,
      baseline: normal(N * BASELINE_ROWS),
      current: normal(N),
    })),
    model: { name: 'm', version: 1, createdAtMs: Date.parse('2024-05-01T21:00:00Z') },
  };
}

export default defineBenchmarks([
  {
    name: 'monitor.driftMetrics',
    size: `${N} names, ${FEATURES} features × ${N * BASELINE_ROWS} baseline values, 84 batches`,
    setup: input,
    run(x) {
      const t0 = performance.now();
      const m = computeDriftMetrics(x as DriftInput, DEFAULT_DRIFT_METRIC_OPTIONS);
      const ms = performance.now() - t0;
      return { msPerDay: ms, psiMsPerFeature: ms / FEATURES, ic: m.ic5dAvg };
    },
  },
  {
    name: 'monitor.evaluateRules',
    size: '9 rules, 50 PSI subjects, 60 days of history',
    run() {
      const rules = loadAlertRules();
      const values: Record<string, number> = {
        ic: 0.01,
        ic_5d_avg: 0.005,
        sharpe_63d: 0.2,
        accuracy: 0.4,
        majority_rate: 0.41,
        model_age_days: 3,
      };
      for (let j = 0; j < 50; j++) values[`psi:f${j}`] = 0.05 + j / 100;
      const history = Array.from({ length: 60 }, (_, k) => ({ date: `d${k}`, values }));
      const reps = 200;
      const t0 = performance.now();
      let n = 0;
      for (let r = 0; r < reps; r++) n += evaluateRules(rules, { date: 'D', values }, history, 's').length;
      return { usPerEvaluation: ((performance.now() - t0) * 1000) / reps, alerts: n / reps };
    },
  },
]);
