/**
 * Exact-duplicate detection (methods.md Appendix A item 11: in seed 002, MOM ≡ MOM6_v2 and QRE ≡ LOW_v2 bit
 * for bit). Each signal's neutralised values are hashed as they stream by; equal hashes mean equal panels
 * (64 bits from two independent 32-bit streams, so an accidental collision among 110 signals has
 * probability ~ 10⁻¹⁵).
 */

const nanWords = new Uint32Array(Float64Array.of(Number.NaN).buffer);
/** The words every NaN is hashed as (the canonical quiet NaN). */
const NAN_LO = nanWords[0]!;
const NAN_HI = nanWords[1]!;

/** Seeds of the four lanes of each stream (distinct, so values swapped between lanes hash differently). */
const A0 = 0x811c9dc5;
const B0 = 0x6a09e667;
/** The initial lane words: a_0..a_3, then b_0..b_3 (research/date-kernel.ts keeps the same state). */
export const VALUE_HASH_SEEDS: readonly number[] = [
  A0,
  A0 + 1,
  A0 + 2,
  A0 + 3,
  B0,
  B0 + 1,
  B0 + 2,
  B0 + 3,
].map((v) => v | 0);

/**
 * Streaming 64-bit hash of float64 values: two FNV-1a-like 32-bit streams over the IEEE-754 words, each
 * split in four lanes (value i of a row goes to lane i mod 4), so consecutive values do not wait on each
 * other's multiplications (≈ 3× faster than one chain); the lanes are folded together by `digest`. Rows
 * are hashed as given: equal sequences of equal rows hash equally. research/date-kernel.ts computes the same
 * hash in WebAssembly (tests check they agree).
 */
export class ValueHasher {
  /** a_0..a_3, b_0..b_3. */
  private readonly lanes = Int32Array.from(VALUE_HASH_SEEDS);

  /** Hashes `x` (NaN canonicalised, −0 as +0, so numerically equal panels hash equally). */
  update(x: Float64Array): void {
    const lanes = this.lanes;
    // The IEEE-754 words of x read in place (little-endian lo, hi, as a Float64Array's own bytes).
    const u = new Uint32Array(x.buffer, x.byteOffset, x.length * 2);
    for (let j = 0; j < 4; j++) {
      let a = lanes[j]!;
      let b = lanes[4 + j]!;
      for (let i = j; i < x.length; i += 4) {
        const v = x[i]!;
        let lo: number;
        let hi: number;
        if (Number.isNaN(v)) {
          lo = NAN_LO;
          hi = NAN_HI;
        } else if (v === 0) {
          lo = 0;
          hi = 0;
        } else {
          lo = u[2 * i]!;
          hi = u[2 * i + 1]!;
        }
        a = Math.imul(a ^ lo, 0x01000193);
        a = Math.imul(a ^ hi, 0x01000193);
        b = Math.imul(b ^ hi, 0x5bd1e995);
        b = Math.imul(b ^ (b >>> 15) ^ lo, 0x27d4eb2d);
      }
      lanes[j] = a;
      lanes[4 + j] = b;
    }
  }

  /** 16 hex digits. */
  digest(): string {
    return foldValueHashLanes(this.lanes);
  }
}

/** The digest of lane words a_0..a_3, b_0..b_3: the lanes folded into one a and one b, as 16 hex digits. */
export function foldValueHashLanes(lanes: ArrayLike<number>): string {
  let a = A0;
  let b = B0;
  for (let j = 0; j < 4; j++) {
    a = Math.imul(a ^ lanes[j]!, 0x01000193);
    b = Math.imul(b ^ lanes[4 + j]!, 0x5bd1e995);
    b = Math.imul(b ^ (b >>> 15), 0x27d4eb2d);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

export interface DuplicateGroup {
  readonly hash: string;
  /** Signal names with identical neutralised values, in input order; the first is kept as canonical. */
  readonly names: readonly string[];
}

/** Groups signals whose neutralised-value hashes are equal. Signals without a hash (skipped) are ignored. */
export function findDuplicateSignals(
  items: readonly { readonly name: string; readonly hash: string | undefined }[],
): DuplicateGroup[] {
  const byHash = new Map<string, string[]>();
  for (const { name, hash } of items) {
    if (hash === undefined) continue;
    const list = byHash.get(hash);
    if (list) list.push(name);
    else byHash.set(hash, [name]);
  }
  return [...byHash].filter(([, names]) => names.length > 1).map(([hash, names]) => ({ hash, names }));
}

/** Human-readable note for each duplicate group, naming the pairs. */
export function duplicateNotes(groups: readonly DuplicateGroup[]): string[] {
  return groups.map(
    (g) =>
      `identical neutralised values (hash ${g.hash}): ${g.names
        .slice(1)
        .map((n) => `${g.names[0]} ≡ ${n}`)
        .join(', ')}`,
  );
}
