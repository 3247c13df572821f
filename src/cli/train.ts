/**
 * `alphalab train`: the seed-003 training pipeline (src/pipeline/training.ts) on a universe directory or the
 * synthetic market — features to the store, PIT training set, walk-forward tuning, calibrated final model,
 * registry and promotion — with manifest.json, report.json and training_set.parquet in `--out`.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { InvalidInputError } from '../core/errors.ts';
import type { Universe } from '../core/universe.ts';
import { readUniverseDir } from '../data/io/index.ts';
import { generateSyntheticMarket } from '../data/synthetic/index.ts';
import type { CalibrationReport } from '../ml/calibration/reliability.ts';
import { runTrainingPipeline, type TrainingResult } from '../pipeline/training.ts';
import { type CliContext, type CliSession, createCliContext } from './context.ts';
import { addStoreOptions, type StoreFlags, wantsJson, withCliStore } from './features.ts';

export interface UniverseFlags {
  readonly universe?: string;
  readonly stocks?: number;
  readonly days?: number;
  readonly seed?: number;
}

function positiveInt(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1)
    throw new InvalidArgumentError(`'${value}' is not a positive integer`);
  return Number(value);
}

function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`'${value}' is not an integer ≥ 0`);
  return Number(value);
}

/** Adds --universe and the synthetic-market flags. */
export function addUniverseOptions(cmd: Command): Command {
  return cmd
    .option(
      '--universe <dir>',
      'universe directory (default: config data.universe, else the synthetic market)',
    )
    .option('--stocks <n>', 'synthetic market: number of stocks', positiveInt)
    .option('--days <n>', 'synthetic market: number of days', positiveInt)
    .option('--seed <n>', 'synthetic market: seed', nonNegativeInt);
}

/** The universe the flags and the config name. */
export async function universeFromFlags(session: CliSession, flags: UniverseFlags): Promise<Universe> {
  const config = session.config();
  const dir = flags.universe ?? config.data.universe;
  if (dir !== undefined) {
    if (flags.stocks !== undefined || flags.days !== undefined || flags.seed !== undefined)
      throw new InvalidInputError(
        '--stocks, --days and --seed apply to the synthetic market, not to --universe',
        { where: { field: 'universe' } },
      );
    return readUniverseDir(dir, { logger: session.logger });
  }
  const s = config.data.synthetic;
  const options = {
    stocks: flags.stocks ?? s.stocks,
    days: flags.days ?? s.days,
    seed: flags.seed ?? s.seed,
    sectors: s.sectors,
    start: s.start,
  };
  session.logger.info(options, 'generating synthetic market');
  return generateSyntheticMarket(options).universe;
}

interface TrainFlags extends UniverseFlags, StoreFlags {
  readonly out?: string;
  readonly trials?: number;
  readonly windows?: number;
  readonly sampleEvery?: number;
}

const fmt = (x: number | undefined, d = 4) => (x === undefined || !Number.isFinite(x) ? 'NaN' : x.toFixed(d));

/** Reliability table rows (top-class confidence vs hit rate) of non-empty bins. */
function reliabilityLines(title: string, r: CalibrationReport): string[] {
  const lines = [
    `${title}: Brier ${fmt(r.brierBefore)} raw → ${fmt(r.brierAfter)} calibrated, log loss ${fmt(r.logLossBefore)} → ${fmt(r.logLossAfter)}`,
    '  confidence bin   rows   mean conf.  hit rate',
  ];
  for (const b of r.reliabilityAfter) {
    if (b.count === 0) continue;
    lines.push(
      `  [${b.lower.toFixed(1)}, ${b.upper.toFixed(1)})${' '.repeat(5)}${String(b.count).padStart(7)}  ${fmt(b.meanPredicted, 3).padStart(10)}  ${fmt(b.observedFrequency, 3).padStart(8)}`,
    );
  }
  return lines;
}

export function trainSummary(r: TrainingResult): string {
  const m = r.metrics;
  const lines = [
    `model ${r.model.name} v${r.model.version} (${r.model.modelId})${r.promoted ? ' — promoted' : ' — not promoted'}: ${r.promotionReason}`,
    `data: ${r.rows} rows × ${r.featureCount} features, fingerprint ${r.fingerprint.slice(0, 16)}…`,
    'walk-forward window  test period              rows  log loss  prior LL      gain  rank IC  calib. dates',
  ];
  for (const w of r.windows) {
    const x = w.metrics;
    lines.push(
      x
        ? `${String(w.index).padStart(19)}  ${w.testStart} … ${w.testEnd}  ${String(x.rows).padStart(6)}  ${fmt(x.log_loss).padStart(8)}  ${fmt(x.prior_log_loss).padStart(8)}  ${fmt(x.prior_log_loss - x.log_loss).padStart(8)}  ${fmt(x.rank_ic).padStart(7)}  ${String(w.calibration?.dates ?? '').padStart(12)}`
        : `${String(w.index).padStart(19)}  ${w.testStart} … ${w.testEnd}  skipped: ${w.skipped}`,
    );
  }
  lines.push('dataset     rows   accuracy  log loss  prior LL  rank IC (t)      signals  signal Sharpe');
  for (const k of ['train', 'val', 'test'] as const) {
    const x = m[k];
    lines.push(
      `${k.padEnd(8)} ${String(x.rows).padStart(7)}  ${fmt(x.accuracy).padStart(8)}  ${fmt(x.log_loss).padStart(8)}  ${fmt(x.prior_log_loss).padStart(8)}  ${`${fmt(x.rank_ic)} (${fmt(x.rank_ic_t, 1)})`.padStart(15)}  ${String(x.signals).padStart(7)}  ${fmt(x.sharpe, 2).padStart(13)}`,
    );
  }
  lines.push(
    `backtest: net Sharpe ${fmt(m.backtest.sharpe_ratio, 2)}, annual return ${fmt(100 * (m.backtest.annual_return ?? Number.NaN), 2)}%, max drawdown ${fmt(100 * (m.backtest.max_drawdown ?? Number.NaN), 2)}%`,
  );
  lines.push(
    ...reliabilityLines('out-of-sample reliability (walk-forward test rows)', r.reliability.outOfSample),
  );
  lines.push(
    `stages (ms): ${Object.entries(r.manifest.timingsMs)
      .map(([k, v]) => `${k} ${Math.round(v)}`)
      .join(', ')}`,
  );
  return lines.join('\n');
}

export function registerTrainCommand(program: Command, ctx: CliContext = createCliContext()): Command {
  return addStoreOptions(addUniverseOptions(program.command('train')))
    .description('train, validate, calibrate and register the ML signal model (seed 003)')
    .option('--out <dir>', 'write manifest.json, report.json and training_set.parquet here')
    .option('--trials <n>', 'TPE trials per window (default: config ml.tuning_trials)', nonNegativeInt)
    .option('--windows <n>', 'evaluate only the last n walk-forward windows (default: all)', positiveInt)
    .option(
      '--sample-every <n>',
      'decision dates every n bars (default: the prediction horizon)',
      positiveInt,
    )
    .addHelpText(
      'after',
      `
Examples:
  $ alphalab train --stocks 300 --days 1260 --trials 10 --out runs/train-small
  $ alphalab train --universe data/sp500 --db postgres://localhost/alphalab --json`,
    )
    .action(async (flags: TrainFlags, command: Command) => {
      const session = ctx.session(command);
      const overrides = flags.trials === undefined ? undefined : { ml: { tuning_trials: flags.trials } };
      const config = session.config(overrides);
      const universe = await universeFromFlags(session, flags);
      const progress = session.progressCallback('walk-forward windows');
      const result = await withCliStore(session, flags, (store) =>
        runTrainingPipeline({
          universe,
          config,
          store,
          runId: session.runId,
          logger: session.logger,
          ...(flags.out ? { outDir: flags.out } : {}),
          ...(flags.windows ? { maxWindows: flags.windows } : {}),
          ...(flags.sampleEvery ? { sampleEvery: flags.sampleEvery } : {}),
          onProgress: (stage, done, total) => {
            if (stage === 'walk_forward') progress(done, total);
          },
        }),
      );
      if (wantsJson(session, command)) {
        session.printJson(
          JSON.parse(
            JSON.stringify({ ...result, manifest: undefined }, (_, v) =>
              typeof v === 'number' && !Number.isFinite(v) ? null : v,
            ),
          ),
        );
      } else session.print(trainSummary(result));
    });
}
