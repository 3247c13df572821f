/**
 * A workspace the drift monitor can run on, as `alphalab train` would leave it: a small GBDT on technical
 * features of a synthetic market, registered with a completed training run, its feature whitelist and
 * payoffs, and promoted. The store's clock puts the registration at the close of day 205, so monitoring day
 * 300 sees a model older than the 14-day staleness limit (an alert that must appear).
 */
import { closeTime } from '../../src/core/calendar.ts';
import { requirePanel, type Universe } from '../../src/core/universe.ts';
import { generateSyntheticMarket } from '../../src/data/synthetic/index.ts';
import { computeFeatures, featureMatrixAt } from '../../src/ml/features/feature-set.ts';
import { freezeWhitelist } from '../../src/ml/features/whitelist.ts';
import { saveGbdt } from '../../src/ml/gbdt/json.ts';
import { trainGbdt } from '../../src/ml/gbdt/train.ts';
import { ARTIFACT_TYPES, payoffsToJson } from '../../src/ml/strategy/bundle.ts';
import type { Store } from '../../src/store/open-store.ts';

export const MONITOR_MARKET = { stocks: 60, days: 320, seed: 5 } as const;
export const MONITORED_MODEL = 'ml_signal';

/** The market `alphalab serve --stocks 60 --days 320 --seed 5` generates (config defaults otherwise). */
export function monitorMarket(): Universe {
  return generateSyntheticMarket({ ...MONITOR_MARKET, sectors: 11, start: '2015-01-01' }).universe;
}

/** The registry clock of the fixture: the close of day 205. */
export const registrationClock = (u: Universe) => () => closeTime(u.dates[205]!);

/** Trains and registers the monitored model in `store` (opened with registrationClock). */
export async function seedMonitoredModel(store: Store, u: Universe): Promise<void> {
  const fs = computeFeatures(u, { families: ['technical'] });
  const names = fs.names.slice(0, 4);
  const close = requirePanel(u, 'close').values;
  const N = u.tickers.length;
  const di: number[] = [];
  const ti: number[] = [];
  const y: number[] = [];
  for (let s = 60; s < 200; s += 3)
    for (let i = 0; i < N; i++) {
      const R = close[(s + 6) * N + i]! / close[(s + 1) * N + i]! - 1;
      if (!Number.isFinite(R)) continue;
      di.push(s);
      ti.push(i);
      y.push(R > 0.01 ? 2 : R < -0.01 ? 0 : 1);
    }
  const model = trainGbdt(featureMatrixAt(fs, di, ti, names), y, { params: { nEstimators: 5, maxDepth: 2 } });
  const reg = store.registry;
  const m = await reg.register(MONITORED_MODEL, { strategyType: 'ml_signal' });
  const run = await reg.startTrainingRun(m.modelId, {
    datasetStart: closeTime(u.dates[60]!),
    datasetEnd: closeTime(u.dates[199]!),
  });
  await reg.finishTrainingRun(run, 'completed', { modelId: m.modelId });
  await reg.logArtifact(m.modelId, { name: 'model.json', data: saveGbdt(model) }, ARTIFACT_TYPES.weights);
  await reg.logArtifact(
    m.modelId,
    { name: 'feature_whitelist.json', data: JSON.stringify(freezeWhitelist(names)) },
    ARTIFACT_TYPES.whitelist,
  );
  await reg.logArtifact(
    m.modelId,
    { name: 'payoffs.json', data: payoffsToJson(Float64Array.from([-0.02, 0, 0.02]), 5) },
    ARTIFACT_TYPES.payoffs,
  );
  await reg.promote(MONITORED_MODEL, m.version, { by: 'test', reason: 'deploy' });
}
