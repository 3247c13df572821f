/**
 * ML pipeline benchmarks (issue 8): the five feature calculators on the default synthetic market
 * (1500 × 2520), and `alphalab train` end to end on that market — features, store write, PIT training set,
 * walk-forward, final fit, calibration, backtest, registry — with the per-stage split. The training case uses
 * the default config except for the number of walk-forward windows and TPE trials, which it states in its size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, resolveConfig } from '../src/core/config.ts';
import type { Universe } from '../src/core/universe.ts';
import { generateSyntheticMarket } from '../src/data/synthetic/index.ts';
import { computeFeatures } from '../src/ml/features/index.ts';
import { runTrainingPipeline } from '../src/pipeline/training.ts';
import { openStore } from '../src/store/open-store.ts';
import { defineBenchmarks } from './harness.ts';

const STOCKS = 1500;
const DAYS = 2520;
const WINDOWS = Number(process.env.ALPHALAB_BENCH_TRAIN_WINDOWS ?? 2);
const TRIALS = Number(process.env.ALPHALAB_BENCH_TRAIN_TRIALS ?? 2);

function market(): Universe {
  return generateSyntheticMarket({ stocks: STOCKS, days: DAYS, seed: 42 }).universe;
}

export default defineBenchmarks([
  {
    name: 'ml.features.all',
    size: `${STOCKS}x${DAYS}, 5 calculators`,
    target: '≤ 10 s wall',
    setup: market,
    run(u: Universe) {
      const cpu0 = process.cpuUsage();
      const fs = computeFeatures(u);
      const cpu = process.cpuUsage(cpu0);
      return {
        features: fs.names.length,
        cpuMs: (cpu.user + cpu.system) / 1000,
        ...Object.fromEntries(Object.entries(fs.timingsMs).map(([k, v]) => [`${k}Ms`, v])),
        nsPerCell:
          (Object.values(fs.timingsMs).reduce((a, b) => a + (b ?? 0), 0) * 1e6) /
          (STOCKS * DAYS * fs.names.length),
        loadAvg1m: loadavg()[0]!,
      };
    },
  },
  {
    name: 'ml.train.synthetic-default',
    size: `${STOCKS}x${DAYS}, default config, last ${WINDOWS} windows, ${TRIALS} TPE trials, DuckDB`,
    setup: market,
    async run(u: Universe) {
      const ws = mkdtempSync(join(tmpdir(), 'alphalab-bench-train-'));
      const store = await openStore({ workspace: ws, env: {} });
      try {
        const base = defaultConfig();
        const config = resolveConfig({
          ...JSON.parse(JSON.stringify(base)),
          ml: { ...JSON.parse(JSON.stringify(base.ml)), tuning_trials: TRIALS },
        });
        const r = await runTrainingPipeline({ universe: u, config, store, seed: 42, maxWindows: WINDOWS });
        return {
          rows: r.rows,
          features: r.featureCount,
          ...Object.fromEntries(Object.entries(r.manifest.timingsMs).map(([k, v]) => [`${k}Ms`, v])),
          testLogLoss: r.metrics.test.log_loss ?? Number.NaN,
          testPriorLogLoss: r.metrics.test.prior_log_loss ?? Number.NaN,
          cpus: cpus().length,
          loadAvg1m: loadavg()[0]!,
        };
      } finally {
        await store.close();
        rmSync(ws, { recursive: true, force: true });
      }
    },
  },
]);
