import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rebalanceSchedule, simulateWalkForward } from '../../src/backtest/simulate.ts';
import { businessDays } from '../../src/core/calendar.ts';
import { createPanel, panelFromValues } from '../../src/core/panel.ts';
import { Rng } from '../../src/core/rng.ts';
import { makeUniverse } from '../../src/core/universe.ts';

function tinyUniverse(returns: number[][], tickers = returns[0]!.map((_, i) => `S${i}`)) {
  const T = returns.length;
  const N = tickers.length;
  const dates = businessDays('2020-01-01', T);
  const r = panelFromValues(dates, tickers, Float64Array.from(returns.flat()));
  const close = createPanel(dates, tickers);
  for (let i = 0; i < N; i++) {
    let p = 100;
    for (let t = 0; t < T; t++) {
      p *= 1 + r.values[t * N + i]!;
      close.values[t * N + i] = p;
    }
  }
  return makeUniverse({
    dates,
    tickers,
    securities: tickers.map((t) => ({ ticker: t, sector: 'A' })),
    panels: new Map([
      ['return', r],
      ['close', close],
    ]),
    source: 'test',
  });
}

describe('walk-forward simulation (methods.md §8)', () => {
  it('R8.3: drifted weights and turnover of a long-only book', () => {
    const u = tinyUniverse([
      [0, 0],
      [0.1, -0.1],
      [0, 0],
    ]);
    const res = simulateWalkForward({
      universe: u,
      returns: u.panels.get('return')!.values,
      decisionIndices: [0, 1],
      executionDelay: 0,
      decide: () => ({ weights: Float64Array.of(0.5, 0.5) }),
    });
    // after day 1 the book has drifted to [0.55, 0.45]; rebalancing to [0.5, 0.5] is two-way 0.10
    expect(res.grossReturns[1]).toBeCloseTo(0, 15);
    expect(res.turnover[1]).toBeCloseTo(0.1, 15);
    expect(res.rebalances[1]!.turnover).toBeCloseTo(0.1, 15);
  });

  it('R8.3: a long-short book earns 0.015 and drifts to [0.50246…, −0.48768…]', () => {
    const u = tinyUniverse([
      [0, 0],
      [0.02, -0.01],
      [0, 0],
    ]);
    const seen: Float64Array[] = [];
    const res = simulateWalkForward({
      universe: u,
      returns: u.panels.get('return')!.values,
      decisionIndices: [0, 1],
      executionDelay: 0,
      decide: (_view, held) => {
        seen.push(held);
        return { weights: Float64Array.of(0.5, -0.5) };
      },
    });
    expect(res.grossReturns[1]).toBeCloseTo(0.015, 15);
    expect(seen[1]![0]).toBeCloseTo(0.5024630541871922, 15);
    expect(seen[1]![1]).toBeCloseTo(-0.4876847290640394, 15);
  });

  it('trades at t + d, earns from t + d + 1, charges costs there and holds the last book to the end', () => {
    const rng = new Rng(1);
    const rets = Array.from({ length: 30 }, () => [rng.normal() * 0.01, rng.normal() * 0.01]);
    const u = tinyUniverse(rets);
    const res = simulateWalkForward({
      universe: u,
      returns: u.panels.get('return')!.values,
      decisionIndices: [5],
      executionDelay: 2,
      decide: () => ({ weights: Float64Array.of(1, -1) }),
      cost: () => 0.001,
    });
    expect(res.rebalances[0]!.executionIndex).toBe(7);
    expect(res.firstActiveIndex).toBe(8);
    for (let s = 0; s <= 7; s++) expect(res.grossReturns[s]).toBe(0);
    expect(res.cost[7]).toBe(0.001);
    expect(res.netReturns[7]).toBe(-0.001);
    expect(res.grossReturns[8]).toBeCloseTo(rets[8]![0]! - rets[8]![1]!, 15);
    // held to the end: every later day earns
    for (let s = 8; s < 30; s++) expect(res.grossReturns[s]).not.toBe(0);
  });

  it('never lets a decision see data after its date (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 38 }), fc.integer({ min: 0, max: 1_000 }), (cut, seed) => {
        const rng = new Rng(seed);
        const rets = Array.from({ length: 40 }, () => [
          rng.normal() * 0.01,
          rng.normal() * 0.01,
          rng.normal() * 0.01,
        ]);
        const run = (data: number[][]) => {
          const u = tinyUniverse(data);
          const log: number[][] = [];
          simulateWalkForward({
            universe: u,
            returns: u.panels.get('return')!.values,
            decisionIndices: rebalanceSchedule(40, 5, 3, 1),
            executionDelay: 1,
            decide: (view) => {
              const close = view.panel('close');
              // a momentum rule reading everything it is given
              const last = close.values.subarray(view.t * 3, (view.t + 1) * 3);
              const first = close.values.subarray(0, 3);
              const w = Float64Array.from(last, (x, i) => Math.log(x / first[i]!));
              log.push([view.t, close.dates.length, ...w]);
              return { weights: w };
            },
          });
          return log;
        };
        const base = run(rets);
        const perturbed = rets.map((row, t) => (t > cut ? row.map((x) => x * -3 + 0.05) : row));
        const other = run(perturbed);
        for (let k = 0; k < base.length; k++) {
          if (base[k]![0]! <= cut) expect(other[k]).toEqual(base[k]);
          expect(base[k]![1]).toBe(base[k]![0]! + 1); // the view has exactly rows 0..t
        }
        // non-vacuity: a change at or before the cut changes a later decision
        const early = rets.map((row, t) => (t === cut ? row.map((x) => x + 0.2) : row));
        const moved = run(early);
        expect(moved.some((d, k) => d[0]! >= cut && JSON.stringify(d) !== JSON.stringify(base[k]))).toBe(
          true,
        );
      }),
      { numRuns: 25, seed: 3 },
    );
  });

  it('schedules every 21 bars after a 252-bar warm-up', () => {
    const s = rebalanceSchedule(2520, 252, 21, 1);
    expect(s[0]).toBe(252);
    expect(s[1]).toBe(273);
    expect(s.length).toBe(108);
    expect(s[s.length - 1]! + 1).toBeLessThan(2520);
  });
});

describe('books in lockstep', () => {
  it('gives each book the same result as simulating it alone', async () => {
    const { simulateBooks } = await import('../../src/backtest/simulate.ts');
    const rng = new Rng(9);
    const rets = Array.from({ length: 60 }, () => [
      rng.normal() * 0.01,
      rng.normal() * 0.01,
      rng.normal() * 0.01,
    ]);
    const u = tinyUniverse(rets);
    const returns = u.panels.get('return')!.values;
    const rules = [
      (held: Float64Array) => Float64Array.of(0.5, -0.25, -0.25).map((x, i) => 0.5 * x + 0.5 * held[i]!),
      () => Float64Array.of(-0.3, 0.6, -0.3),
    ];
    const decisionIndices = rebalanceSchedule(60, 10, 7, 1);
    const cost = (from: Float64Array, to: Float64Array) =>
      0.001 * to.reduce((a, w, i) => a + Math.abs(w - from[i]!), 0);
    const together = simulateBooks({
      universe: u,
      returns,
      decisionIndices,
      executionDelay: 1,
      books: 2,
      decideAll: (_v, held) => rules.map((r, b) => ({ weights: r(held[b]!) })),
      cost: (from, to) => cost(from, to),
    });
    rules.forEach((rule, b) => {
      const alone = simulateWalkForward({
        universe: u,
        returns,
        decisionIndices,
        executionDelay: 1,
        decide: (_v, held) => ({ weights: rule(held) }),
        cost,
      });
      expect([...together[b]!.netReturns]).toEqual([...alone.netReturns]);
      expect(together[b]!.rebalances.map((r) => r.date)).toEqual(alone.rebalances.map((r) => r.date));
    });
    expect(together[0]!.rebalances[0]!.date).toBe(u.dates[10]);
  });
});

describe('rebalance records', () => {
  it('keep the traded target, not the weights drifted after it', () => {
    const u = tinyUniverse([
      [0, 0],
      [0, 0],
      [0.5, -0.5],
      [0.2, 0.1],
    ]);
    const res = simulateWalkForward({
      universe: u,
      returns: u.panels.get('return')!.values,
      decisionIndices: [0],
      executionDelay: 1,
      decide: () => ({ weights: Float64Array.of(0.5, -0.5) }),
    });
    expect([...res.rebalances[0]!.weights]).toEqual([0.5, -0.5]);
  });
});
