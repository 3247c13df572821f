import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyWrites,
  collectAndRevertWrites,
  differingByteRuns,
  differingPageRanges,
} from '../../src/compute/bullmq/write-back.ts';

/** Naive twin: byte-by-byte runs where a and b differ. */
function naiveRuns(a: Uint8Array, b: Uint8Array): number[] {
  const runs: number[] = [];
  for (let k = 0; k < a.length; k++) {
    if (a[k] === b[k]) continue;
    if (runs.length > 0 && runs[runs.length - 1] === k) runs[runs.length - 1] = k + 1;
    else runs.push(k, k + 1);
  }
  return runs;
}

describe('write-back', () => {
  it('finds exactly the differing bytes, through the page filter (property vs naive twin)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 3000 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }))),
        fc.integer({ min: 1, max: 700 }),
        (base, edits, page) => {
          const a = Buffer.from(base);
          const b = Buffer.from(base);
          for (const [at, v] of edits) if (a.length > 0) a[at % a.length] = v;
          const runs: number[] = [];
          for (const r of differingPageRanges(a, b, page)) differingByteRuns(a, b, r.start, r.end, runs);
          expect(runs).toEqual(naiveRuns(a, b));
        },
      ),
    );
  });

  it('sends interleaved column writes of several tasks without clobbering each other', () => {
    const T = 50;
    const N = 7;
    const pristine = new Float64Array(T * N).fill(Number.NaN);
    const caller = new SharedArrayBuffer(pristine.byteLength);
    new Float64Array(caller).set(pristine);
    const expected = new Float64Array(T * N).fill(Number.NaN);
    const working = new SharedArrayBuffer(pristine.byteLength);
    new Float64Array(working).set(pristine);
    const pristineBytes = new Uint8Array(pristine.buffer);
    const results = [];
    for (let i = 0; i < N; i++) {
      const w = new Float64Array(working);
      for (let t = 0; t < T; t++) {
        // Column i; some values equal the pristine NaN bits on purpose (they need not travel).
        const v = t % 5 === 0 ? Number.NaN : (i + 1) * 1000 + t + 1 / 3;
        w[t * N + i] = v;
        expected[t * N + i] = v;
      }
      results.push(collectAndRevertWrites([working], [pristineBytes]));
      expect(Buffer.from(working).equals(Buffer.from(pristine.buffer))).toBe(true);
    }
    // Apply in reverse completion order: the result must not depend on it.
    for (const r of results.reverse()) applyWrites([caller], JSON.parse(JSON.stringify(r)));
    expect(Buffer.from(caller).equals(Buffer.from(expected.buffer))).toBe(true);
  });

  it('sends nothing when a task writes nothing, and refuses writes that do not fit', () => {
    const p = new Uint8Array(100);
    expect(collectAndRevertWrites([new ArrayBuffer(100)], [p])).toEqual([]);
    expect(() => applyWrites([new ArrayBuffer(10)], [{ b: 0, runs: [8, 12], data: 'AAAAAA==' }])).toThrow(
      RangeError,
    );
    expect(() => applyWrites([], [{ b: 0, runs: [0, 1], data: 'AA==' }])).toThrow(RangeError);
  });
});
