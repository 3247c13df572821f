/**
 * Seeded random numbers: xoshiro256** (Blackman & Vigna 2018, https://prng.di.unimi.it/xoshiro256starstar.c)
 * seeded by splitmix64, exactly as the reference C code, so the same seed gives the same stream everywhere.
 * The 64-bit state is kept as 32-bit halves so the hot path avoids BigInt. Doubles take the top 53 bits:
 * `(x >>> 11) * 2^-53` ∈ [0, 1). Normals use Box–Muller on two uniforms, the second value cached.
 *
 * Example: `new Rng(42).nextUint64()` = 1546998764402558742n; `new Rng(42).uniform()` = 0.08386297105988216.
 */

const MASK64 = (1n << 64n) - 1n;

function splitmix64(state: { x: bigint }): bigint {
  state.x = (state.x + 0x9e3779b97f4a7c15n) & MASK64;
  let z = state.x;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** FNV-1a 32-bit hash of a string's UTF-8 bytes (methods.md §7 R7.6). */
export function fnv1a32(text: string): number {
  const bytes = new TextEncoder().encode(text);
  let h = 2166136261;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h >>> 0;
}

/**
 * A child seed from a parent seed and labels, e.g. `deriveSeed(42, 'signal', 'MOM_v3')`. Stable across runs,
 * processes and worker counts (never a process-salted hash, methods.md §0).
 */
export function deriveSeed(seed: number | bigint, ...labels: readonly (string | number)[]): bigint {
  const state = { x: BigInt.asUintN(64, BigInt(seed)) };
  let out = splitmix64(state);
  for (const label of labels) {
    state.x = (out ^ BigInt(fnv1a32(String(label)))) & MASK64;
    out = splitmix64(state);
  }
  return out;
}

export class Rng {
  // s0..s3, each as [hi, lo]
  private readonly s = new Uint32Array(8);
  private spare = Number.NaN;

  constructor(seed: number | bigint) {
    if (typeof seed === 'number' && !Number.isSafeInteger(seed))
      throw new RangeError(`seed must be an integer, got ${seed}`);
    const state = { x: BigInt.asUintN(64, BigInt(seed)) };
    for (let k = 0; k < 4; k++) {
      const v = splitmix64(state);
      this.s[2 * k] = Number(v >> 32n);
      this.s[2 * k + 1] = Number(v & 0xffffffffn);
    }
  }

  /** Advances the state and writes the 64-bit output as [hi, lo] into `out`. */
  private step(out: Uint32Array): void {
    const s = this.s;
    const s1h = s[2]!;
    const s1l = s[3]!;
    // result = rotl(s1 * 5, 7) * 9
    let lo = (s1l << 2) >>> 0;
    let hi = ((s1h << 2) | (s1l >>> 30)) >>> 0;
    let sumLo = (lo + s1l) >>> 0;
    let sumHi = (hi + s1h + (sumLo < lo ? 1 : 0)) >>> 0;
    // rotl 7
    lo = ((sumLo << 7) | (sumHi >>> 25)) >>> 0;
    hi = ((sumHi << 7) | (sumLo >>> 25)) >>> 0;
    // * 9 = (x << 3) + x
    const l3 = (lo << 3) >>> 0;
    const h3 = ((hi << 3) | (lo >>> 29)) >>> 0;
    sumLo = (l3 + lo) >>> 0;
    sumHi = (h3 + hi + (sumLo < l3 ? 1 : 0)) >>> 0;
    out[0] = sumHi;
    out[1] = sumLo;
    // t = s1 << 17
    const th = ((s1h << 17) | (s1l >>> 15)) >>> 0;
    const tl = (s1l << 17) >>> 0;
    s[4] = (s[4]! ^ s[0]!) >>> 0; // s2 ^= s0
    s[5] = (s[5]! ^ s[1]!) >>> 0;
    s[6] = (s[6]! ^ s1h) >>> 0; // s3 ^= s1
    s[7] = (s[7]! ^ s1l) >>> 0;
    s[2] = (s1h ^ s[4]!) >>> 0; // s1 ^= s2
    s[3] = (s1l ^ s[5]!) >>> 0;
    s[0] = (s[0]! ^ s[6]!) >>> 0; // s0 ^= s3
    s[1] = (s[1]! ^ s[7]!) >>> 0;
    s[4] = (s[4]! ^ th) >>> 0; // s2 ^= t
    s[5] = (s[5]! ^ tl) >>> 0;
    // s3 = rotl(s3, 45) = swap halves, then rotl 13
    const h = s[7]!;
    const l = s[6]!;
    s[6] = ((h << 13) | (l >>> 19)) >>> 0;
    s[7] = ((l << 13) | (h >>> 19)) >>> 0;
  }

  private readonly buf = new Uint32Array(2);

  /** The next raw 64-bit output (for golden-value tests). */
  nextUint64(): bigint {
    this.step(this.buf);
    return (BigInt(this.buf[0]!) << 32n) | BigInt(this.buf[1]!);
  }

  /** Uniform double in [0, 1) from the top 53 bits. */
  uniform(): number {
    this.step(this.buf);
    return (this.buf[0]! * 2097152 + (this.buf[1]! >>> 11)) * 1.1102230246251565e-16;
  }

  /** Uniform double in [a, b). */
  uniformIn(a: number, b: number): number {
    return a + (b - a) * this.uniform();
  }

  /** Standard normal by Box–Muller; pairs are generated together and the second is cached. */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = Number.NaN;
      return z;
    }
    const u1 = 1 - this.uniform(); // (0, 1]
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** Fills `out` with independent standard normals. */
  fillNormal(out: Float64Array, mean = 0, sd = 1): Float64Array {
    for (let k = 0; k < out.length; k++) out[k] = mean + sd * this.normal();
    return out;
  }

  /** Unbiased integer in [0, n) by rejection on 32-bit draws (n ≤ 2^32). */
  int(n: number): number {
    if (!(n >= 1 && n <= 4294967296 && Number.isInteger(n)))
      throw new RangeError(`int(n) needs an integer 1 ≤ n ≤ 2^32, got ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      this.step(this.buf);
      const x = this.buf[0]!;
      if (x < limit) return x % n;
    }
  }

  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = a[i]!;
      a[i] = a[j]!;
      a[j] = tmp;
    }
    return a;
  }

  /** `k` distinct indices from 0..n-1 (sampling without replacement), in increasing order. */
  sampleIndices(n: number, k: number): Int32Array {
    const idx = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i);
      const tmp = idx[i]!;
      idx[i] = idx[j]!;
      idx[j] = tmp;
    }
    return Int32Array.from(idx.slice(0, k)).sort();
  }
}
