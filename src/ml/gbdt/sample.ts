/**
 * Per-tree Bernoulli row sampling (methods.md §9.3 item 7): row i is kept iff the i-th `uniform()` of
 * `new Rng(seed)` is < subsample. This draws the identical xoshiro256** stream as core/rng.ts, but with the
 * 64-bit state held in eight local 32-bit variables instead of a Uint32Array behind a method call: one
 * draw per training row per tree made the sampler a visible share of training time, and the output must
 * stay bit-identical to the Rng-based loop (test/ml/gbdt-sample.test.ts checks it against Rng).
 */

const MASK64 = (1n << 64n) - 1n;

/** The xoshiro256** state `new Rng(seed)` starts from, as [s0hi, s0lo, s1hi, s1lo, …] (splitmix64 seeding). */
export function xoshiroStateFromSeed(seed: number | bigint): Uint32Array {
  let x = BigInt.asUintN(64, BigInt(seed));
  const s = new Uint32Array(8);
  for (let k = 0; k < 4; k++) {
    x = (x + 0x9e3779b97f4a7c15n) & MASK64;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    z ^= z >> 31n;
    s[2 * k] = Number(z >> 32n);
    s[2 * k + 1] = Number(z & 0xffffffffn);
  }
  return s;
}

/**
 * Writes the kept rows of 0..n−1 in increasing order to `rows[0..m)` and the dropped ones, also increasing,
 * to `rows[m..n)`; returns m. Row i is kept iff draw i of `new Rng(seed).uniform()` is < `prob`.
 * Base kernel: `rows` needs length ≥ n; no validation.
 */
export function sampleRowsBernoulli(
  seed: number | bigint,
  n: number,
  prob: number,
  rows: Int32Array,
): number {
  const st = xoshiroStateFromSeed(seed);
  let s0h = st[0]!;
  let s0l = st[1]!;
  let s1h = st[2]!;
  let s1l = st[3]!;
  let s2h = st[4]!;
  let s2l = st[5]!;
  let s3h = st[6]!;
  let s3l = st[7]!;
  let m = 0;
  let d = n;
  for (let i = 0; i < n; i++) {
    // result = rotl(s1 · 5, 7) · 9, only its top 53 bits are used.
    let lo = (s1l << 2) >>> 0;
    let hi = ((s1h << 2) | (s1l >>> 30)) >>> 0;
    let sumLo = (lo + s1l) >>> 0;
    let sumHi = (hi + s1h + (sumLo < lo ? 1 : 0)) >>> 0;
    lo = ((sumLo << 7) | (sumHi >>> 25)) >>> 0;
    hi = ((sumHi << 7) | (sumLo >>> 25)) >>> 0;
    const l3 = (lo << 3) >>> 0;
    const h3 = ((hi << 3) | (lo >>> 29)) >>> 0;
    sumLo = (l3 + lo) >>> 0;
    sumHi = (h3 + hi + (sumLo < l3 ? 1 : 0)) >>> 0;
    const u = (sumHi * 2097152 + (sumLo >>> 11)) * 1.1102230246251565e-16;
    // State update, in the order of Rng.step.
    const th = ((s1h << 17) | (s1l >>> 15)) >>> 0;
    const tl = (s1l << 17) >>> 0;
    s2h = (s2h ^ s0h) >>> 0;
    s2l = (s2l ^ s0l) >>> 0;
    s3h = (s3h ^ s1h) >>> 0;
    s3l = (s3l ^ s1l) >>> 0;
    s1h = (s1h ^ s2h) >>> 0;
    s1l = (s1l ^ s2l) >>> 0;
    s0h = (s0h ^ s3h) >>> 0;
    s0l = (s0l ^ s3l) >>> 0;
    s2h = (s2h ^ th) >>> 0;
    s2l = (s2l ^ tl) >>> 0;
    const h = s3l;
    const l = s3h;
    s3h = ((h << 13) | (l >>> 19)) >>> 0;
    s3l = ((l << 13) | (h >>> 19)) >>> 0;
    if (u < prob) rows[m++] = i;
    else rows[--d] = i;
  }
  // Dropped rows were written from the back (decreasing): reverse them into increasing order.
  for (let a = m, b = n - 1; a < b; a++, b--) {
    const t = rows[a]!;
    rows[a] = rows[b]!;
    rows[b] = t;
  }
  return m;
}
