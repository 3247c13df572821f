import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../src/linalg/index.ts';
import { fitLW2020, lw2020HilbertKernel } from '../../src/risk/covariance/lw2020.ts';
import { fitPCA } from '../../src/risk/covariance/pca.ts';
import { fitRMT } from '../../src/risk/covariance/rmt.ts';
import { fitSampleCovariance } from '../../src/risk/covariance/sample.ts';
import { fitLedoitWolf, fitOAS } from '../../src/risk/covariance/shrinkage.ts';
import { CovarianceWindow } from '../../src/risk/covariance/window.ts';
import { methodsR5, naiveCov } from './reference-data.ts';

const rel = (a: number, b: number, tol = 1e-9) =>
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(tol * Math.max(Math.abs(b), 1e-300));

function dense(fit: { covariance: { toDense(): { data: Float64Array } } }) {
  return fit.covariance.toDense().data;
}

function trace(S: Float64Array, p: number) {
  let t = 0;
  for (let i = 0; i < p; i++) t += S[i * p + i]!;
  return t;
}

describe('methods.md §5 reference data', () => {
  it('spot checks', () => {
    const R = methodsR5(30, 10);
    rel(R[0]!, 0.7345099410760169);
    rel(R[10]!, -0.2140388595818925);
    rel(R[29 * 10 + 9]!, 1.9594307609204185);
    rel(methodsR5(15, 25)[14 * 25 + 24]!, -3.2977827811039813);
  });
});

describe('R5.1 (T = 30, p = 10, p < n)', () => {
  const T = 30;
  const p = 10;
  const w = CovarianceWindow.fromMatrix(T, p, methodsR5(T, p));
  it('takes the primal (p × p) side', () => expect(w.side).toBe('primal'));

  it('sample covariance S₁', () => {
    const S = dense(fitSampleCovariance(w));
    rel(trace(S, p), 8.912485034632317);
    rel(S[0]!, 0.464822570699673);
    rel(S[1]!, 0.15142660743126912);
  });
  it('Ledoit–Wolf', () => {
    const f = fitLedoitWolf(w);
    rel(f.details.rho, 0.0835152289465522);
    const S = dense(f);
    rel(S[0]!, 0.4837544424330631);
    rel(S[1]!, 0.13415417365494545);
  });
  it('OAS', () => {
    const f = fitOAS(w);
    rel(f.details.rho, 0.1319372594000474);
    const S = dense(f);
    rel(S[0]!, 0.5037145716187523);
    rel(S[1]!, 0.12706620265165594);
  });
  it('LW-2020 (n = 29)', () => {
    const f = fitLW2020(w);
    expect(f.details.n).toBe(29);
    const S = dense(f);
    rel(trace(S, p), 8.143946034787207);
    rel(S[0]!, 0.3812475062369818);
    rel(S[1]!, 0.17135778143319044);
    rel(f.details.dMax, 6.051997396431839);
    rel(f.details.dMin, 0.15201482291988003);
    expect(f.details.d0).toBeNaN();
  });
  it('RMT', () => {
    const f = fitRMT(w);
    rel(f.details.lambdaPlus, 2.519268025236304);
    expect(f.details.noiseCount).toBe(9);
    rel(f.details.lambdaBar, 0.43004003915059585);
    rel(f.details.topEigenvalue, 6.129639647644639);
    const S = dense(f);
    rel(S[1]!, 0.22121012223160447);
    // diag Σ̃ = diag S₁.
    const S1 = naiveCov(T, p, methodsR5(T, p), 1);
    for (let i = 0; i < p; i++) rel(S[i * p + i]!, S1[i * p + i]!, 1e-12);
  });
  it('PCA k = 2', () => {
    const f = fitPCA(w, 2);
    rel(f.details.singularValues[0]!, 13.119248652280133);
    rel(f.details.singularValues[1]!, 3.5193455117263124);
    rel(f.covariance.d[0]!, 0.2971181319332622);
    const S = dense(f);
    rel(S[1]!, 0.13781879478329606);
    const S1 = naiveCov(T, p, methodsR5(T, p), 1);
    for (let i = 0; i < p; i++) rel(S[i * p + i]!, S1[i * p + i]!, 1e-12);
  });
});

describe('R5.2 (T = 15, p = 25, p > n)', () => {
  const T = 15;
  const p = 25;
  const R = methodsR5(T, p);
  const w = CovarianceWindow.fromMatrix(T, p, R);
  it('takes the Gram (T × T) side', () => expect(w.side).toBe('gram'));

  it('sample covariance S₁', () => {
    const S = dense(fitSampleCovariance(w));
    rel(trace(S, p), 54.16169786552743);
    rel(S[0]!, 0.47543007340378807);
    rel(S[1]!, 0.1696202942177544);
  });
  it('Ledoit–Wolf and OAS through the Gram route give the reference ρ', () => {
    const lw = fitLedoitWolf(w);
    rel(lw.details.rho, 0.059020735391355536);
    const S = dense(lw);
    rel(S[0]!, 0.536887279009241);
    rel(S[1]!, 0.14896856773467618);
    const o = fitOAS(w);
    rel(o.details.rho, 0.15538864942203007);
    const So = dense(o);
    rel(So[0]!, 0.688984949027285);
    rel(So[1]!, 0.13371234406571086);
  });
  it('LW-2020 (n = 14): d̃_0 at 1e-9; the top d̃ to high precision (reference carries cancellation error)', () => {
    const f = fitLW2020(w);
    rel(f.details.d0, 0.03355522408621589);
    // methods.md gives max d̃ 50.71259468010328, computed with the closed-form Hilbert kernel, which loses
    // ~8 digits at x ≈ 10⁴; 50-digit arithmetic on the same eigenvalues gives 50.71003832434042
    // (docs/decisions/082-risk-lw2020-hilbert-kernel.md).
    rel(f.details.dMax, 50.71003832434042, 1e-12);
    const dRef = 50.71259468010328;
    expect(Math.abs(f.details.dMax - dRef) / dRef).toBeLessThan(1e-4);
    // Every other reference number differs only through that one eigenvalue: Σ_ref = Σ + (d_ref − d̃)·v vᵀ.
    const S = dense(f);
    const k = f.covariance.k;
    const top = Array.from({ length: k }, (_, c) => f.covariance.C[c * k + c]!).reduce(
      (best, x, c, all) => (x > all[best]! ? c : best),
      0,
    );
    const v = Array.from({ length: p }, (_, i) => f.covariance.U[i * k + top]!);
    const shift = dRef - f.details.dMax;
    rel(trace(S, p) + shift, 54.29211918233809);
    rel(S[0]! + shift * v[0]! * v[0]!, 0.5441393172939745);
    rel(S[1]! + shift * v[0]! * v[1]!, 0.12520139914303127);
  });
  it('LW-2020: the Gram-route reconstruction equals the full p × p route to 1e-13', () => {
    const f = fitLW2020(w);
    const S = dense(f);
    // Full route: eigen-decompose the p × p S = XᵀX/n; on its n non-null eigenvectors Σ̃ acts as d̃_i, elsewhere d̃_0.
    const Sn = naiveCov(T, p, R, 1);
    const { values, vectors } = symmetricEigen({ rows: p, cols: p, data: Sn });
    const full = new Float64Array(p * p);
    for (let a = 0; a < p; a++) full[a * p + a] = f.details.d0;
    for (let col = p - 14; col < p; col++) {
      expect(values[col]!).toBeGreaterThan(1e-8);
      const v = Array.from({ length: p }, (_, a) => vectors.data[a * p + col]!);
      const Sv = f.covariance.mul(Float64Array.from(v));
      const dt = v.reduce((acc, x, a) => acc + x * Sv[a]!, 0);
      for (let a = 0; a < p; a++)
        for (let b = 0; b < p; b++) full[a * p + b]! += (dt - f.details.d0) * v[a]! * v[b]!;
    }
    let maxAbs = 0;
    for (const x of S) maxAbs = Math.max(maxAbs, Math.abs(x));
    for (let q = 0; q < p * p; q++) expect(Math.abs(full[q]! - S[q]!)).toBeLessThanOrEqual(1e-13 * maxAbs);
  });
  it('LW-2020 Hilbert kernel: series branch against 60-digit values', () => {
    rel(lw2020HilbertKernel(1e4), -0.00003183098893668896, 1e-14);
    rel(lw2020HilbertKernel(12.5), -0.025630041199780504, 1e-14);
    rel(lw2020HilbertKernel(-9), 0.03581636789803878, 1e-14);
    rel(lw2020HilbertKernel(3), -0.122074792352526, 1e-13);
    rel(lw2020HilbertKernel(Math.sqrt(5)), (-3 * Math.sqrt(5)) / (10 * Math.PI), 1e-15);
  });
  it('RMT', () => {
    const f = fitRMT(w);
    rel(f.details.lambdaPlus, 5.458326704838529);
    expect(f.details.noiseCount).toBe(24);
    rel(f.details.lambdaBar, 0.24838177946840856);
    rel(f.details.topEigenvalue, 19.038837292758195);
    rel(dense(f)[1]!, 0.2610293079424526);
  });
  it('PCA k = 2', () => {
    const f = fitPCA(w, 2);
    rel(f.details.singularValues[0]!, 25.5215739431838);
    rel(f.details.singularValues[1]!, 4.1370355818260505);
    rel(f.covariance.d[0]!, 0.3332835096538948);
    rel(dense(f)[1]!, 0.1825177553408942);
  });
});
