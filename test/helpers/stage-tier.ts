import type { AlphalabConfig } from '../../src/core/config.ts';
import type { Universe } from '../../src/core/universe.ts';
import { runResearch } from '../../src/research/index.ts';

/**
 * The signal tier a small portfolio-stage test needs (inline): snapshots at the rebalances, no composite
 * panel — what runResearchPipeline hands runPortfolioStage, at a test's size.
 */
export function stageTier(universe: Universe, rc: AlphalabConfig['research'], schedule: readonly number[]) {
  return runResearch(universe, {
    until: 'weights',
    horizons: rc.horizons,
    executionDelay: rc.execution_delay,
    variants: rc.variants,
    minIcObs: rc.min_ic_obs,
    ic: { minCoverage: 25, quantiles: rc.quantiles, skips: rc.decay_skips },
    snapshots: schedule,
    compositePanel: false,
  });
}
