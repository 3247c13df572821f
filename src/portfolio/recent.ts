/**
 * Per-thread memory of recently seen inputs, matched by content. A task posted to a worker thread arrives as
 * new array objects, so the set-up the books of one rebalance share (the spectral kernel's copy of V, VᵀAᵀ,
 * the reduced constraint rows) is found again by comparing numbers, not identities; a worker interleaves the
 * books of up to three rebalances, hence a short list rather than the last one only
 * (docs/decisions/155-portfolio-per-rebalance-setup.md).
 */

/** Whether two arrays hold the same bytes (the same numbers; −0 and 0 differ), by memcmp. */
export function sameBytes(a: Float64Array, b: Float64Array): boolean {
  return (
    a.length === b.length &&
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    )
  );
}

/** At most `capacity` entries, most recently used first. */
export class RecentList<T> {
  private readonly entries: T[] = [];

  constructor(readonly capacity: number) {}

  /** The first entry that matches, moved to the front; undefined when none does. */
  find(match: (entry: T) => boolean): T | undefined {
    const at = this.entries.findIndex(match);
    if (at < 0) return undefined;
    const entry = this.entries[at]!;
    if (at > 0) {
      this.entries.splice(at, 1);
      this.entries.unshift(entry);
    }
    return entry;
  }

  /** Adds an entry at the front; returns the least recently used one if it dropped beyond the capacity. */
  add(entry: T): T | undefined {
    this.entries.unshift(entry);
    return this.entries.length > this.capacity ? this.entries.pop() : undefined;
  }
}
