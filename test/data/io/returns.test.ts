import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { returnPanelFromClose, simpleReturnsFromCloseNaNPropagating } from '../../../src/data/index.ts';

function naiveReturns(close: number[][]): number[][] {
  return close.map((row, t) => row.map((p, i) => (t === 0 ? Number.NaN : p / close[t - 1]![i]! - 1)));
}

describe('simple returns from close (methods.md §1)', () => {
  it('reproduces R1.1: P = [100, 110, 99, 108.9]', () => {
    const p = returnPanelFromClose({
      dates: ['a', 'b', 'c', 'd'],
      tickers: ['X'],
      values: Float64Array.of(100, 110, 99, 108.9),
    });
    const r = [...p.values];
    expect(Number.isNaN(r[0])).toBe(true);
    expect(r[1]).toBeCloseTo(0.1, 15);
    expect(r[2]).toBeCloseTo(-0.1, 15);
    expect(r[3]).toBeCloseTo(0.1, 12);
  });

  it('matches the naive twin on random panels with holes, bit for bit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer(),
        (T, N, seed) => {
          let s = seed >>> 0;
          const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
          const grid = Array.from({ length: T }, () =>
            Array.from({ length: N }, () => (rand() < 0.2 ? Number.NaN : 1 + rand() * 100)),
          );
          const out = new Float64Array(T * N);
          simpleReturnsFromCloseNaNPropagating(Float64Array.from(grid.flat()), T, N, out);
          const want = naiveReturns(grid).flat();
          for (let k = 0; k < T * N; k++) expect(Object.is(out[k], want[k])).toBe(true);
        },
      ),
    );
  });

  it('gives NaN after a gap, never a return across it', () => {
    const p = returnPanelFromClose({
      dates: ['a', 'b', 'c'],
      tickers: ['X'],
      values: Float64Array.of(10, Number.NaN, 12),
    });
    expect([...p.values].every(Number.isNaN)).toBe(true);
  });

  it('checks the panel shape', () => {
    expect(() =>
      returnPanelFromClose({ dates: ['a'], tickers: ['X', 'Y'], values: new Float64Array(3) }),
    ).toThrow(/cells/);
  });
});
