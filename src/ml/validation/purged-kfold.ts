/**
 * Purged k-fold cross-validation with embargo, methods.md §9.5 (López de Prado 2018, ch. 7; Appendix A item 5).
 *
 * Sample i has a label interval [t0_i, t1_i] (t0 non-decreasing). The n samples form k contiguous test folds
 * with numpy `array_split` sizes. For a fold starting at t0_a whose labels end at T1 = max t1 over the fold:
 *   strict (adopted): train = {i : t1_i < t0_a} ∪ {i : t0_i > embargo end}, where the embargo ends at the
 *     t0 of the m-th sample after the first one with t0 > T1, m = ⌊pct·n⌋ (m = 0: the embargo end is T1);
 *     a label ending exactly at the test start shares a price with the test features, so it is purged;
 *   'snippet-7.3' (the book's PurgedKFold): left = {i : t1_i ≤ t0_a}; right starts at the first sample with
 *     t0 ≥ T1 and skips m samples.
 * In walk-forward only the left side applies.
 */
import { InvalidInputError } from '../../core/errors.ts';

export interface PurgedKFoldOptions {
  readonly k: number;
  /** Embargo as a share of n (m = ⌊pct·n⌋ samples). */
  readonly embargoPct?: number;
  readonly variant?: 'strict' | 'snippet-7.3';
}

export interface Fold {
  readonly test: Int32Array;
  readonly train: Int32Array;
}

/** numpy array_split boundaries: the first n mod k folds get one extra sample. */
export function arraySplitBounds(n: number, k: number): number[] {
  const base = Math.floor(n / k);
  const extra = n % k;
  const b = [0];
  for (let j = 0; j < k; j++) b.push(b[j]! + base + (j < extra ? 1 : 0));
  return b;
}

/** R9.6: n = 12, t0 = i, t1 = i + 2, k = 5, pct 0.1 → strict train sets 6–11, {0, 9–11}, {0–3, 11}, 0–5, 0–7. */
export function purgedKFold(
  t0: ArrayLike<number>,
  t1: ArrayLike<number>,
  options: PurgedKFoldOptions,
): Fold[] {
  const n = t0.length;
  const { k } = options;
  const pct = options.embargoPct ?? 0;
  const variant = options.variant ?? 'strict';
  if (t1.length !== n) throw new InvalidInputError(`t0 has ${n} entries, t1 has ${t1.length}`);
  if (!(Number.isInteger(k) && k >= 2 && k <= n))
    throw new InvalidInputError(`k must be an integer in [2, ${n}], got ${k}`);
  if (!(pct >= 0 && pct < 1)) throw new InvalidInputError(`embargo share must be in [0, 1), got ${pct}`);
  if (variant !== 'strict' && variant !== 'snippet-7.3')
    throw new InvalidInputError(`unknown purged k-fold variant '${String(variant)}'`);
  for (let i = 0; i < n; i++) {
    if (!(t1[i]! >= t0[i]!))
      throw new InvalidInputError(`label interval ends before it starts: t0 = ${t0[i]}, t1 = ${t1[i]}`, {
        where: { row: i },
      });
    if (i > 0 && t0[i]! < t0[i - 1]!)
      throw new InvalidInputError('t0 must be non-decreasing', { where: { row: i } });
  }
  const m = Math.floor(pct * n);
  const bounds = arraySplitBounds(n, k);
  const folds: Fold[] = [];
  for (let j = 0; j < k; j++) {
    const a = bounds[j]!;
    const b = bounds[j + 1]!;
    const t0a = t0[a]!;
    let T1 = Number.NEGATIVE_INFINITY;
    for (let i = a; i < b; i++) T1 = Math.max(T1, t1[i]!);
    const train: number[] = [];
    if (variant === 'strict') {
      for (let i = 0; i < n; i++) if (t1[i]! < t0a) train.push(i);
      let first = firstIndex(t0, (v) => v > T1);
      let embargoEnd = T1;
      if (m > 0 && first < n) {
        first = Math.min(n - 1, first + m - 1);
        embargoEnd = t0[first]!;
      }
      for (let i = 0; i < n; i++) if (t0[i]! > embargoEnd && (i < a || i >= b)) train.push(i);
    } else {
      for (let i = 0; i < n; i++) if (t1[i]! <= t0a && (i < a || i >= b)) train.push(i);
      const right = firstIndex(t0, (v) => v >= T1);
      if (right < n) for (let i = right + m; i < n; i++) if (i >= b) train.push(i);
    }
    folds.push({
      test: Int32Array.from({ length: b - a }, (_, i) => a + i),
      train: Int32Array.from(new Set(train)).sort(),
    });
  }
  return folds;
}

function firstIndex(a: ArrayLike<number>, pred: (v: number) => boolean): number {
  for (let i = 0; i < a.length; i++) if (pred(a[i]!)) return i;
  return a.length;
}
