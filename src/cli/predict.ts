/**
 * `alphalab predict --date D`: the day's MLSignalStrategy signals from the registry's active model. The
 * features of D are computed, written to the feature store (event_time = close(D), ingest = close + lag) and
 * read back with a point-in-time query at the decision time, so live and training features come through the
 * same path; the signals are written to the store (features ml_signal_*) and to signals.json / signals.csv.
 */
import { writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { closeTime, isIsoDate } from '../core/calendar.ts';
import { InvalidInputError } from '../core/errors.ts';
import { computeFeatures } from '../ml/features/feature-set.ts';
import { loadActiveModelBundle } from '../ml/strategy/bundle.ts';
import { type MLSignal, MLSignalStrategy, mlStrategyOptionsFromConfig } from '../ml/strategy/strategy.ts';
import { gitSha } from '../pipeline/manifest.ts';
import { defineFeatureColumns, FEATURE_VERSION, writeFeatureRows } from '../pipeline/training-dataset.ts';
import { type CliContext, createCliContext } from './context.ts';
import { addStoreOptions, type StoreFlags, wantsJson, withCliStore } from './features.ts';
import { addUniverseOptions, type UniverseFlags, universeFromFlags } from './train.ts';

interface PredictFlags extends UniverseFlags, StoreFlags {
  readonly date: string;
  readonly out?: string;
}

const LAG_MS = 15 * 60_000;
export const SIGNAL_FEATURES = ['ml_signal_direction', 'ml_signal_strength', 'ml_signal_size'] as const;

export function signalsCsv(signals: readonly MLSignal[]): string {
  const head =
    'date,ticker,direction,strength,suggested_size,prediction_class,p_down,p_flat,p_up,model_name,model_version';
  const rows = signals.map((s) =>
    [
      s.date,
      s.ticker,
      s.direction,
      s.strength,
      s.suggestedSize,
      s.metadata.predictionClass,
      ...s.metadata.probabilities,
      s.metadata.modelName,
      s.metadata.modelVersion,
    ].join(','),
  );
  return `${[head, ...rows].join('\n')}\n`;
}

export function registerPredictCommand(program: Command, ctx: CliContext = createCliContext()): Command {
  return addStoreOptions(addUniverseOptions(program.command('predict')))
    .description("the day's ML signals from the active model (LONG/SHORT, calibrated strength, Kelly size)")
    .requiredOption('--date <yyyy-mm-dd>', 'decision date (a date of the universe)')
    .option('--out <dir>', 'write signals.json and signals.csv here')
    .addHelpText(
      'after',
      `
Examples:
  $ alphalab predict --date 2024-06-28 --stocks 300 --days 1260 --out runs/signals
  $ alphalab predict --date 2024-06-28 --universe data/sp500 --json`,
    )
    .action(async (flags: PredictFlags, command: Command) => {
      const session = ctx.session(command);
      const config = session.config();
      if (!isIsoDate(flags.date))
        throw new InvalidInputError(`--date '${flags.date}' is not a date of the form yyyy-mm-dd`, {
          where: { field: 'date' },
        });
      const universe = await universeFromFlags(session, flags);
      const t = universe.dates.indexOf(flags.date);
      if (t < 0)
        throw new InvalidInputError(
          `--date ${flags.date} is not a trading date of the universe (${universe.dates[0]} … ${universe.dates.at(-1)})`,
          { where: { date: flags.date } },
        );
      const signals = await withCliStore(session, flags, async (store) => {
        const bundle = await loadActiveModelBundle(store.registry, config.ml.model_name);
        const fs = computeFeatures(universe);
        await defineFeatureColumns(store.features, bundle.whitelist);
        await writeFeatureRows(store.features, fs, bundle.whitelist, [t], {
          producerVersion: gitSha() ?? 'unknown',
          runId: session.runId,
          availabilityLagMs: LAG_MS,
        });
        const asOf = closeTime(flags.date) + LAG_MS;
        const N = universe.tickers.length;
        const pit = await store.features.getPointInTime(
          {
            entities: universe.tickers,
            entityIndex: Int32Array.from({ length: N }, (_, i) => i),
            asOfMs: new Float64Array(N).fill(asOf),
          },
          bundle.whitelist.names.map((name) => ({ name, version: FEATURE_VERSION })),
        );
        const strategy = new MLSignalStrategy(bundle, mlStrategyOptionsFromConfig(config));
        const X = {
          rows: N,
          cols: bundle.whitelist.names.length,
          values: pit.value,
          names: bundle.whitelist.names,
        };
        const out = strategy.generateSignals(flags.date, universe.tickers, X);
        for (const name of SIGNAL_FEATURES)
          await store.features.defineFeature(name, { description: 'MLSignalStrategy output' });
        if (out.length) {
          const index = new Map(universe.tickers.map((tk, i) => [tk, i] as const));
          await store.features.writeFeatureFrame(
            {
              entities: universe.tickers,
              entityIndex: Int32Array.from(out, (s) => index.get(s.ticker)!),
              eventTimeMs: new Float64Array(out.length).fill(closeTime(flags.date)),
              features: [...SIGNAL_FEATURES],
              values: [
                Float64Array.from(out, (s) => (s.direction === 'LONG' ? 1 : -1)),
                Float64Array.from(out, (s) => s.strength),
                Float64Array.from(out, (s) => s.suggestedSize),
              ],
            },
            {
              producer: 'alphalab.ml.predict',
              producerVersion: `${bundle.modelName}:v${bundle.modelVersion}`,
              runId: session.runId,
              availabilityLagMs: LAG_MS,
            },
          );
        }
        return out;
      });
      if (flags.out) {
        await mkdir(flags.out, { recursive: true });
        writeFileSync(join(flags.out, 'signals.json'), `${JSON.stringify(signals, null, 2)}\n`);
        writeFileSync(join(flags.out, 'signals.csv'), signalsCsv(signals));
      }
      if (wantsJson(session, command)) session.printJson({ date: flags.date, signals });
      else {
        session.print(
          `${signals.length} signals on ${flags.date} (${signals.filter((s) => s.direction === 'LONG').length} long, ${signals.filter((s) => s.direction === 'SHORT').length} short)`,
        );
        for (const s of signals.slice(0, 20))
          session.print(
            `${s.ticker.padEnd(10)} ${s.direction.padEnd(5)} p=${s.strength.toFixed(3)} size=${s.suggestedSize.toFixed(4)}`,
          );
      }
    });
}
