import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import {
  crossSectionResiduals,
  gatherCompleteAssets,
  normalEquations,
} from '../../src/risk/factor-model/cross-section.ts';

const same = (a: Float64Array, b: Float64Array) =>
  a.length === b.length && a.every((x, k) => Object.is(x, b[k]!));

/** The row-by-row accumulation the kernels replaced (row-major B, each entry summed in row order). */
function rowByRow(n: number, K: number, B: Float64Array, r: Float64Array) {
  const BtB = new Float64Array(K * K);
  const Btr = new Float64Array(K);
  for (let s = 0; s < n; s++) {
    for (let a = 0; a < K; a++) {
      Btr[a]! += B[s * K + a]! * r[s]!;
      for (let c = a; c < K; c++) BtB[a * K + c]! += B[s * K + a]! * B[s * K + c]!;
    }
  }
  for (let a = 0; a < K; a++) for (let c = 0; c < a; c++) BtB[a * K + c] = BtB[c * K + a]!;
  return { BtB, Btr };
}

describe('Fama–MacBeth cross-section kernels (column-major B̃ = [B | r])', () => {
  it('gather, normal equations and residuals equal the row-by-row loops bit for bit (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 0, max: 11 }),
        (seed, N, L) => {
          const rng = new Rng(seed);
          const K = L + 1;
          const nanOr = (x: number) => (rng.uniform() < 0.08 ? Number.NaN : x);
          const r = Float64Array.from({ length: N }, () => nanOr(rng.normal()));
          const cols = Array.from({ length: L }, () =>
            Float64Array.from({ length: N }, () => nanOr(rng.normal())),
          );
          const banned = Uint8Array.from({ length: N }, () => (rng.uniform() < 0.05 ? 1 : 0));
          const idx = new Int32Array(N);
          const Bt = new Float64Array(N * (K + 1));
          const n = gatherCompleteAssets(N, r, 0, cols, 0, banned, idx, Bt);
          // the same assets and rows as a row-major gather
          const rows: number[] = [];
          for (let i = 0; i < N; i++)
            if (!banned[i] && !Number.isNaN(r[i]!) && cols.every((c) => !Number.isNaN(c[i]!))) rows.push(i);
          expect([...idx.subarray(0, n)]).toEqual(rows);
          const Brow = Float64Array.from(rows.flatMap((i) => [1, ...cols.map((c) => c[i]!)]));
          const rr = Float64Array.from(rows, (i) => r[i]!);
          const BtB = new Float64Array(K * K);
          const Btr = new Float64Array(K);
          normalEquations(n, K, Bt, N, BtB, Btr);
          const ref = rowByRow(n, K, Brow, rr);
          expect(same(BtB, ref.BtB)).toBe(true);
          expect(same(Btr, ref.Btr)).toBe(true);
          const f = Float64Array.from({ length: K }, () => rng.normal());
          const e = new Float64Array(n);
          crossSectionResiduals(n, K, Bt, N, f, e);
          const eRef = Float64Array.from(rows, (_, s) => {
            let fit = 0;
            for (let k = 0; k < K; k++) fit += Brow[s * K + k]! * f[k]!;
            return rr[s]! - fit;
          });
          expect(same(e, eRef)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
