import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { rankIC } from '../../src/stats/correlation.ts';
import { rankICSeries, rankTargetPanel } from '../../src/stats/rankICSeries.ts';

describe('rankICSeries', () => {
  it('equals per-date rankIC for lag 0 and lag ℓ, with NaN in both panels', () => {
    const rng = new Rng(23);
    const T = 40;
    const N = 60;
    const fwd = Float64Array.from({ length: T * N }, () => (rng.uniform() < 0.1 ? Number.NaN : rng.normal()));
    const sig = Float64Array.from({ length: T * N }, (_, k) =>
      rng.uniform() < 0.1 ? Number.NaN : Number.isNaN(fwd[k]!) ? rng.normal() : 0.3 * fwd[k]! + rng.normal(),
    );
    const ranked = rankTargetPanel(fwd, N);
    for (const lag of [0, 3]) {
      const ic = rankICSeries(sig, ranked, 20, lag);
      for (let t = 0; t < T; t++) {
        if (t + lag >= T) {
          expect(ic[t]).toBeNaN();
          continue;
        }
        const want = rankIC(
          sig.subarray(t * N, (t + 1) * N),
          fwd.subarray((t + lag) * N, (t + lag + 1) * N),
          20,
        );
        expect(Math.abs(ic[t]! - want)).toBeLessThan(1e-14);
      }
    }
    // Coverage below minCount gives NaN.
    expect(Array.from(rankICSeries(sig, ranked, N + 1)).every(Number.isNaN)).toBe(true);
  });

  it('rejects mismatched shapes', () => {
    const ranked = rankTargetPanel(new Float64Array(12), 4);
    expect(ranked.rows.length).toBe(3);
    expect(() => rankICSeries(new Float64Array(8), ranked, 2)).toThrow(/expected T × N = 3 × 4/);
    expect(() => rankTargetPanel(new Float64Array(10), 4)).toThrow(/not a multiple/);
  });
});
