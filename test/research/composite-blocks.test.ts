// Composite date blocks (docs/decisions/025): they tile [0, T) in order, and with the default cost model
// (raw rows and neutralised rows equally dear) every block costs about the same.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compositeBlocks } from '../../src/research/composite.ts';

describe('compositeBlocks', () => {
  it('tiles [0, T) contiguously for any T and block count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 16 }), (T, k) => {
        const blocks = compositeBlocks(T, Math.min(T, k));
        expect(blocks.length).toBe(Math.min(T, k));
        expect(blocks[0]!.start).toBe(0);
        expect(blocks.at(-1)!.end).toBe(T);
        blocks.forEach((b, j) => {
          expect(b.end).toBeGreaterThanOrEqual(b.start);
          if (j > 0) expect(b.start).toBe(blocks[j - 1]!.end);
        });
      }),
    );
  });

  it('two blocks of 2520 dates split at 2/3: 0.5·1680 + 0.5·1680 = 0.5·2520 + 0.5·840', () => {
    expect(compositeBlocks(2520, 2)).toEqual([
      { start: 0, end: 1680 },
      { start: 1680, end: 2520 },
    ]);
  });

  it('equal cost a·end + b·(end − start) per block (within rounding)', () => {
    const blocks = compositeBlocks(10000, 5);
    const cost = blocks.map((b) => 0.5 * b.end + 0.5 * (b.end - b.start));
    for (const c of cost) expect(Math.abs(c - cost[0]!)).toBeLessThanOrEqual(1);
  });

  it('a raw share of 0 gives equal lengths', () => {
    expect(compositeBlocks(12, 3, 0)).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 8 },
      { start: 8, end: 12 },
    ]);
  });
});
