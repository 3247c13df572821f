import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.ts';
import type { Universe } from '../../src/core/universe.ts';
import { generateSyntheticMarket } from '../../src/data/index.ts';
import { runResearchPipeline } from '../../src/pipeline/research.ts';
import { buildResearchReport } from '../../src/pipeline/research-report.ts';
import { buildSignalContext } from '../../src/signals/index.ts';

// A small market keeps the whole pipeline to a few seconds: 80 stocks × 420 days, 2 variants, 3 methods.
const config = resolveConfig({
  research: { variants: 1, horizons: [5, 21], min_coverage: 40, min_ic_obs: 30 },
  risk: { methods: ['ledoit_wolf', 'pca', 'fama_macbeth'], lookback: 120, pca_factors: 5 },
  portfolio: { warmup: 180, rebalance_every: 21, max_position: 0.05 },
});

function market(): Universe {
  return generateSyntheticMarket({ stocks: 80, days: 420, seed: 7 }).universe;
}

/** The same universe with every panel value and series value after date index `cut` scrambled. */
function perturbedAfter(u: Universe, cut: number): Universe {
  const N = u.tickers.length;
  const panels = new Map(
    [...u.panels].map(([name, p]) => {
      const v = Float64Array.from(p.values);
      for (let k = (cut + 1) * N; k < v.length; k++) v[k] = v[k]! * (name === 'return' ? -1.7 : 1.3) + 0.01;
      return [name, { ...p, values: v }] as const;
    }),
  );
  const series = new Map(
    [...u.series].map(([name, s]) => {
      const v = Float64Array.from(s);
      for (let t = cut + 1; t < v.length; t++) v[t] = v[t]! * 1.2;
      return [name, v] as const;
    }),
  );
  return { ...u, panels, series };
}

describe('research pipeline', () => {
  it('runs end to end: every book evaluated, assertions pass, overfitting statistics computed', async () => {
    const res = await runResearchPipeline({ universe: market(), config, backend: 'inline' });
    expect(res.books!.map((b) => b.name)).toEqual([
      'ledoit_wolf',
      'pca',
      'fama_macbeth',
      'baseline_momentum',
      'baseline_value',
    ]);
    for (const b of res.books!) {
      for (const a of b.assertions) expect(a.passed, `${b.name}: ${a.assertion} ${a.detail}`).toBe(true);
      expect(Number.isFinite(b.evaluation.net.annualVolatility)).toBe(true);
    }
    for (const a of res.dataAssertions) expect(a.passed, `${a.assertion} ${a.detail}`).toBe(true);
    expect(res.schedule[0]).toBe(180);
    // every solve succeeds; only the factor model may be missing while its loadings lack history
    for (const r of res.portfolio!.records) {
      for (const s of r.solves) {
        expect(
          s.status === 'ok' || (s.method === 'fama_macbeth' && s.status === 'no-model'),
          `${s.method} ${r.date} ${s.status}`,
        ).toBe(true);
      }
    }
    expect(res.portfolio!.records.at(-1)!.solves.every((s) => s.status === 'ok')).toBe(true);
    expect(res.overfitting!.configurations).toEqual(['ledoit_wolf', 'pca', 'fama_macbeth']);
    expect(res.overfitting!.dsr.dsr).toBeGreaterThanOrEqual(0);
    expect(res.overfitting!.dsr.dsr).toBeLessThanOrEqual(1);
  });

  it('lets the tier’s working panels go before the books and keeps the forward returns at the rebalances', async () => {
    const u = market();
    const res = await runResearchPipeline({ universe: u, config, backend: 'inline' });
    const ctx = res.research.tier.context;
    expect(ctx.forward).toEqual([]);
    expect(ctx.forwardRank).toEqual([]);
    expect(ctx.logReturn.length).toBe(0);
    expect(res.research.tier.snapshots.values.length).toBe(0);
    // what is kept is exactly the forward-return rows at the rebalances
    const full = buildSignalContext(u, { horizons: config.research.horizons, executionDelay: 1 });
    const N = u.tickers.length;
    full.horizons.forEach((_, h) => {
      res.schedule.forEach((t, k) => {
        expect([...res.forwardAtRebalances![h]!.subarray(k * N, (k + 1) * N)]).toEqual([
          ...full.forward[h]!.subarray(t * N, (t + 1) * N),
        ]);
      });
    });
    // the report still has the composite's IC at the rebalances
    const charts: { id?: string; series?: { values: number[] }[] }[] = [];
    JSON.stringify(buildResearchReport(res), (_, v) => {
      if (v && typeof v === 'object' && 'id' in v && 'series' in v) charts.push(v);
      return v;
    });
    const ic = charts.find((c) => c.id === 'composite-ic')!.series![0]!.values;
    expect(ic.length).toBe(res.schedule.length);
    expect(ic.filter(Number.isFinite).length).toBeGreaterThan(res.schedule.length / 2);
  });

  it('decides every rebalance at or before t identically when all data after t changes (no look-ahead)', async () => {
    const u = market();
    const cut = 285;
    const a = await runResearchPipeline({ universe: u, config, backend: 'inline' });
    const b = await runResearchPipeline({ universe: perturbedAfter(u, cut), config, backend: 'inline' });
    const early = a.portfolio!.books[0]!.sim.rebalances.filter((r) => r.decisionIndex <= cut);
    expect(early.length).toBeGreaterThanOrEqual(4);
    for (const [bk, book] of a.portfolio!.books.entries()) {
      const other = b.portfolio!.books[bk]!.sim.rebalances;
      book.sim.rebalances
        .filter((r) => r.decisionIndex <= cut)
        .forEach((r, k) =>
          expect([...other[k]!.weights], `${book.name} on ${r.date}`).toEqual([...r.weights]),
        );
    }
    // non-vacuity: later decisions do change
    const late = a.portfolio!.books[0]!.sim.rebalances.filter((r) => r.decisionIndex > cut + 5);
    const lateOther = b.portfolio!.books[0]!.sim.rebalances.filter((r) => r.decisionIndex > cut + 5);
    expect(
      late.some((r, k) => JSON.stringify([...r.weights]) !== JSON.stringify([...lateOther[k]!.weights])),
    ).toBe(true);
  });
});
