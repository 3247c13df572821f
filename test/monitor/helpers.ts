/** Naive twins and small builders for the monitor tests. */
import type { PredictionBatch } from '../../src/monitor/types.ts';

/** Average ranks (1-based) by sorting, ties averaged. */
export function naiveRanks(x: readonly number[]): number[] {
  const idx = x.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(x.length);
  for (let k = 0; k < idx.length; ) {
    let j = k;
    while (j + 1 < idx.length && idx[j + 1]![0] === idx[k]![0]) j++;
    for (let m = k; m <= j; m++) r[idx[m]![1]] = (k + j) / 2 + 1;
    k = j + 1;
  }
  return r;
}

/** Spearman correlation over pairs where both are non-NaN; NaN below minCount or with zero variance. */
export function naiveSpearman(a: ArrayLike<number>, b: ArrayLike<number>, minCount: number): number {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < a.length; i++)
    if (!Number.isNaN(a[i]!) && !Number.isNaN(b[i]!)) {
      x.push(a[i]!);
      y.push(b[i]!);
    }
  if (x.length < Math.max(minCount, 2)) return Number.NaN;
  const rx = naiveRanks(x);
  const ry = naiveRanks(y);
  const n = x.length;
  const mx = rx.reduce((s, v) => s + v, 0) / n;
  const my = ry.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i]! - mx) * (ry[i]! - my);
    sxx += (rx[i]! - mx) ** 2;
    syy += (ry[i]! - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

export function batch(
  date: string,
  resolvesOn: string,
  score: number[],
  realisedReturn: number[],
  predictedClass?: number[],
  realisedClass?: number[],
): PredictionBatch {
  const n = score.length;
  return {
    date,
    horizon: 5,
    resolvesOn,
    score: Float64Array.from(score),
    realisedReturn: Float64Array.from(realisedReturn),
    predictedClass: Float64Array.from(predictedClass ?? new Array<number>(n).fill(Number.NaN)),
    realisedClass: Float64Array.from(realisedClass ?? new Array<number>(n).fill(Number.NaN)),
  };
}
