import { describe, expect, it } from 'vitest';
import { rebalanceSchedule } from '../../src/backtest/simulate.ts';
import { resolveConfig } from '../../src/core/config.ts';
import { generateSyntheticMarket } from '../../src/data/index.ts';
import { volTargetSentence } from '../../src/pipeline/research-report.ts';
import { runPortfolioStage } from '../../src/pipeline/walk-forward.ts';
import { stageTier } from '../helpers/stage-tier.ts';

describe("the volatility target as a cap (portfolio.vol_target_mode: 'cap')", () => {
  it('keeps the configured γ where the risk is under the cap and raises it to meet the cap elsewhere', async () => {
    const T = 320;
    const universe = generateSyntheticMarket({ stocks: 50, days: T, seed: 11 }).universe;
    const base = {
      research: { variants: 1, horizons: [5, 21], min_coverage: 40, min_ic_obs: 30 },
      risk: { methods: ['sample', 'rmt'] as const, lookback: 100 },
    };
    const rc = resolveConfig(base).research;
    const schedule = rebalanceSchedule(T, 150, 21, rc.execution_delay);
    const research = await stageTier(universe, rc, schedule);
    const stage = (portfolio: Record<string, unknown>) => {
      const config = resolveConfig({ ...base, portfolio: { warmup: 150, max_position: 0.06, ...portfolio } });
      return runPortfolioStage({ universe, tier: research.tier, config, schedule }).then((res) => ({
        res,
        pc: config.portfolio,
      }));
    };
    const { res, pc } = await stage({ vol_target_mode: 'cap', target_vol: 0.01, gamma: 40 });
    const solved = res.records.flatMap((r) => r.solves).filter((s) => s.status === 'ok');
    expect(solved.length).toBe(2 * schedule.length);
    const free = solved.filter((s) => s.gamma === pc.gamma);
    const bound = solved.filter((s) => s.gamma > pc.gamma);
    // both branches occur, and nothing else: γ is never lowered below the configured one
    expect(free.length).toBeGreaterThan(0);
    expect(bound.length).toBeGreaterThan(0);
    expect(free.length + bound.length).toBe(solved.length);
    for (const s of free) expect(s.exAnteVol).toBeLessThanOrEqual(pc.target_vol * (1 + 1e-3));
    for (const s of bound) expect(Math.abs(s.exAnteVol / pc.target_vol - 1)).toBeLessThanOrEqual(1e-3);
    expect(volTargetSentence(res.records, pc)).toMatch(
      new RegExp(`^Volatility cap 1\\.0% .*binding in ${bound.length} of ${solved.length} solved books`),
    );

    // 'target' (the default) moves γ both ways: the books under the cap take more risk there
    const target = await stage({ target_vol: 0.01, gamma: 40 });
    const targetSolved = target.res.records.flatMap((r) => r.solves).filter((s) => s.status === 'ok');
    expect(targetSolved.some((s) => s.gamma < pc.gamma)).toBe(true);
  }, 120_000);
});
