import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rebalanceSchedule, simulateWalkForward } from '../../src/backtest/simulate.ts';
import { businessDays } from '../../src/core/calendar.ts';
import { resolveConfig } from '../../src/core/config.ts';
import { panelFromValues } from '../../src/core/panel.ts';
import { Rng } from '../../src/core/rng.ts';
import { makeUniverse } from '../../src/core/universe.ts';
import { generateSyntheticMarket } from '../../src/data/index.ts';
import { type PortfolioStageResult, runPortfolioStage } from '../../src/pipeline/walk-forward.ts';
import { DriftedBook } from '../../src/pipeline/walk-forward-held.ts';
import { stageTier } from '../helpers/stage-tier.ts';

describe('DriftedBook (a chain’s held weights)', () => {
  it('holds exactly the weights the simulator hands to decide, for any delay and schedule (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 1, max: 6 }),
        (seed, delay, every) => {
          const rng = new Rng(seed);
          const T = 48;
          const N = 5;
          // returns with gaps (NaN is earned as 0) and exact zeros
          const r = Float64Array.from({ length: T * N }, () => {
            const u = rng.uniform();
            return u < 0.05 ? Number.NaN : u < 0.1 ? 0 : rng.normal() * 0.02;
          });
          const tickers = Array.from({ length: N }, (_, i) => `S${i}`);
          const dates = businessDays('2021-01-04', T);
          const universe = makeUniverse({
            dates,
            tickers,
            securities: tickers.map((t) => ({ ticker: t, sector: 'A' })),
            panels: new Map([['return', panelFromValues(dates, tickers, r)]]),
            source: 'test',
          });
          const schedule = rebalanceSchedule(T, 3, every, delay);
          const book = new DriftedBook(r, T, N, delay);
          let checked = 0;
          simulateWalkForward({
            universe,
            returns: r,
            decisionIndices: schedule,
            executionDelay: delay,
            decide: (view, held) => {
              expect([...book.heldAt(view.t)]).toEqual([...held]);
              checked++;
              // some names flat, the rest random, so both branches of the drift are used
              const w = Float64Array.from({ length: N }, (_, i) =>
                i === checked % N ? 0 : rng.normal() * 0.3,
              );
              book.decided(view.t, w);
              return { weights: w };
            },
          });
          expect(checked).toBe(schedule.length);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('portfolio stage in parallel (docs/decisions/154)', () => {
  // every kind of risk operator: spectral (sample, LW-2020), structured (RMT, PCA) and the factor model
  const config = resolveConfig({
    research: { variants: 1, horizons: [5, 21], min_coverage: 40, min_ic_obs: 30 },
    risk: { methods: ['sample', 'lw2020', 'rmt', 'pca', 'fama_macbeth'], lookback: 100, pca_factors: 4 },
    portfolio: { warmup: 150, rebalance_every: 21, max_position: 0.06 },
  });

  /** Everything the stage returns, as plain data (timings excluded: they are the only thing allowed to vary). */
  function fingerprint(res: PortfolioStageResult) {
    return {
      books: res.books.map((b) => ({
        name: b.name,
        gross: [...b.sim.grossReturns],
        net: [...b.sim.netReturns],
        rebalances: b.sim.rebalances.map((r) => ({ ...r, weights: [...r.weights] })),
      })),
      records: res.records.map((r) => ({ ...r, ms: undefined })),
      diagnostics: [...res.diagnostics],
      notes: res.notes,
      rows: res.records.map((r) => res.constraintsAt(r.t).map((c) => ({ name: c.name, row: [...c.row] }))),
    };
  }

  it('gives bit-identical books, records and diagnostics inline and on 1 or 2 worker threads', async () => {
    const universe = generateSyntheticMarket({ stocks: 50, days: 320, seed: 11 }).universe;
    const rc = config.research;
    const schedule = rebalanceSchedule(320, 150, 21, rc.execution_delay);
    const research = await stageTier(universe, rc, schedule);
    const input = { universe, tier: research.tier, config, schedule };
    const inline = await runPortfolioStage({ ...input, backend: 'inline' });
    const one = await runPortfolioStage({ ...input, backend: 'threads', workers: 1 });
    const two = await runPortfolioStage({ ...input, backend: 'threads', workers: 2 });
    const base = fingerprint(inline);
    // non-vacuity: every method traded (the factor model once its loadings have history)
    for (const b of inline.books.slice(0, 5)) expect(b.sim.rebalances.some((r) => r.turnover > 0)).toBe(true);
    expect(inline.records.at(-1)!.solves.map((s) => s.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect([...inline.diagnostics.keys()]).toEqual(['sample', 'lw2020', 'rmt', 'pca']);
    expect(fingerprint(one)).toEqual(base);
    expect(fingerprint(two)).toEqual(base);
  }, 120_000);
});
