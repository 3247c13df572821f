import { describe, expect, it } from 'vitest';
import { fitLW2020, lw2020ShrunkSpectrum } from '../../src/risk/covariance/lw2020.ts';
import { CovarianceWindow } from '../../src/risk/covariance/window.ts';
import { methodsR5 } from './reference-data.ts';

describe('lw2020ShrunkSpectrum (the fit without its p-space eigenvectors)', () => {
  it('R5.2 (p > n): d̃_0 = 0.03355522408621589, and Σ̃ rebuilt from it equals the fit on every entry', () => {
    const w = CovarianceWindow.fromMatrix(15, 25, methodsR5(15, 25));
    const s = lw2020ShrunkSpectrum(w);
    expect(s.fullRank).toBe(false);
    expect(s.indices.length).toBe(14);
    expect(s.d0).toBeCloseTo(0.03355522408621589, 9);
    const V = w.pSpaceVectors(w.covarianceSpectrum(), s.indices);
    const dense = fitLW2020(w).covariance.toDense().data;
    const r = s.indices.length;
    for (let i = 0; i < 25; i++) {
      for (let j = 0; j < 25; j++) {
        let x = i === j ? s.d0 : 0;
        for (let c = 0; c < r; c++) x += (s.d[c]! - s.d0) * V[i * r + c]! * V[j * r + c]!;
        expect(x).toBeCloseTo(dense[i * 25 + j]!, 14);
      }
    }
  });

  it('R5.1 (p < n): full rank, no null-space value, the listed extreme d̃', () => {
    const s = lw2020ShrunkSpectrum(CovarianceWindow.fromMatrix(30, 10, methodsR5(30, 10)));
    expect(s.fullRank).toBe(true);
    expect(s.d0).toBeNaN();
    expect(Math.max(...s.d)).toBeCloseTo(6.051997396431839, 9);
    expect(Math.min(...s.d)).toBeCloseTo(0.15201482291988003, 9);
  });
});
