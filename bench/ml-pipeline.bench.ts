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
    size: `${STOCKS}x${DAYS}, default config (ml.target ${defaultConfig().ml.target}), last ${WINDOWS} windows, ${TRIALS} TPE trials, DuckDB`,
    setup: market,
    async run(u: Universe) {
      // ALPHALAB_BENCH_TRAIN_WORKSPACE keeps the workspace (DuckDB + artifacts) so that `alphalab predict
      // --workspace <dir>` can serve the registered model afterwards.
      const keep = process.env.ALPHALAB_BENCH_TRAIN_WORKSPACE;
      const ws = keep ?? mkdtempSync(join(tmpdir(), 'alphalab-bench-train-'));
      const store = await openStore({ workspace: ws, env: {} });
      try {
        const base = defaultConfig();
        const config = resolveConfig({
          ...JSON.parse(JSON.stringify(base)),
          ml: { ...JSON.parse(JSON.stringify(base.ml)), tuning_trials: TRIALS },
        });
        const cpu0 = process.cpuUsage();
        const r = await runTrainingPipeline({ universe: u, config, store, seed: 42, maxWindows: WINDOWS });
        const cpu = process.cpuUsage(cpu0);
        const perWindow: Record<string, number> = {};
        for (const w of r.windows) {
          if (!w.metrics) continue;
          const k = `window${w.index}`;
          perWindow[`${k}Rows`] = w.metrics.rows;
          perWindow[`${k}LogLoss`] = w.metrics.log_loss;
          perWindow[`${k}PriorLogLoss`] = w.metrics.prior_log_loss;
          perWindow[`${k}RawLogLoss`] = w.rawLogLoss ?? Number.NaN;
          perWindow[`${k}RankIC`] = w.metrics.rank_ic;
          perWindow[`${k}Accuracy`] = w.metrics.accuracy;
          perWindow[`${k}Signals`] = w.metrics.signals;
          perWindow[`${k}CalibrationDates`] = w.calibration?.dates ?? Number.NaN;
          for (const [step, ms] of Object.entries(w.timingsMs ?? {})) perWindow[`${k}${step}Ms`] = ms;
        }
        const prefixed = (p: string, m: Readonly<Record<string, number>>) =>
          Object.fromEntries(Object.entries(m).map(([k, v]) => [`${p}_${k}`, v]));
        // The harness prints every metric with toPrecision: keep finite numbers only (NaN = undefined metric).
        const finite = (m: Record<string, number>) =>
          Object.fromEntries(Object.entries(m).filter(([, v]) => Number.isFinite(v)));
        return finite({
          rows: r.rows,
          features: r.featureCount,
          modelVersion: r.model.version,
          cpuMs: (cpu.user + cpu.system) / 1000,
          ...Object.fromEntries(Object.entries(r.manifest.timingsMs).map(([k, v]) => [`${k}Ms`, v])),
          ...perWindow,
          ...prefixed('test', r.metrics.test),
          ...prefixed('val', r.metrics.val),
          ...prefixed('train', r.metrics.train),
          ...prefixed('backtest', r.metrics.backtest),
          cpus: cpus().length,
          loadAvg1m: loadavg()[0]!,
        });
      } finally {
        await store.close();
        if (!keep) rmSync(ws, { recursive: true, force: true });
      }
    },
  },
]);
