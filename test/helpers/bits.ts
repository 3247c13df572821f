import { expect } from 'vitest';

/** Every entry equal as bits (Object.is tells −0 from 0 and matches NaN); lists the entries that differ. */
export function expectSameBits(a: Float64Array, b: Float64Array): void {
  expect(a.length).toBe(b.length);
  const differing = [...a.keys()].filter((i) => !Object.is(a[i], b[i]));
  expect(differing).toEqual([]);
}
