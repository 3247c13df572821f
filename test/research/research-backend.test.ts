import { describe, expect, it } from 'vitest';
import { parallelMap, threadsBackend } from '../../src/compute/index.ts';
import { runResearch } from '../../src/research/index.ts';
import { baseSignalSpecs, defineSignalSpec } from '../../src/signals/index.ts';
import { fixtureUniverse, sameBits } from '../signals/fixtures.ts';

const specs = baseSignalSpecs.map((s, j) =>
  defineSignalSpec({ ...s, lookback: (s.skip > 0 ? 40 : 20) + j, skip: s.skip > 0 ? 5 : 0, halfLife: 5 }),
);
const options = {
  specs,
  horizons: [1, 5],
  ic: { minCoverage: 20, minBucketSize: 3 },
  minIcObs: 20,
  snapshots: { start: 60, every: 15 },
  walkForward: true,
};

describe('runResearch on one threads pool for both passes', () => {
  const universe = fixtureUniverse({ T: 220, N: 40, holes: 0.01, seed: 31 });

  it('is bit-identical to inline, with its own warmed pool or a caller-owned backend it leaves open', async () => {
    const inline = await runResearch(universe, { ...options, backend: 'inline' });
    const pooled = await runResearch(universe, { ...options, backend: 'threads', workers: 2 });
    const mine = threadsBackend({ workers: 2 });
    try {
      const given = await runResearch(universe, { ...options, backend: mine, workers: 2 });
      for (const r of [pooled, given]) {
        expect(r.tier.signals.map((s) => s.hash)).toEqual(inline.tier.signals.map((s) => s.hash));
        expect(sameBits(r.weights!.weights, inline.weights!.weights)).toBe(true);
        expect(sameBits(r.composite!, inline.composite!)).toBe(true);
        expect(sameBits(r.walkForwardComposite!, inline.walkForwardComposite!)).toBe(true);
      }
      expect(inline.composite!.some((v) => !Number.isNaN(v))).toBe(true);
      // the caller's backend is still open after the run
      const again = await parallelMap(
        [{ slot: 0 }],
        new URL('../compute/fixtures/identity-task.ts', import.meta.url),
        { backend: mine, shared: { tag: 'after', counts: new Int32Array(new SharedArrayBuffer(4)) } },
      );
      expect(again).toHaveLength(1);
    } finally {
      await mine.close();
    }
  });

  it('closes its pool and rethrows when the run fails', async () => {
    await expect(
      runResearch(universe, { ...options, backend: 'threads', workers: 2, snapshots: [5, 3] }),
    ).rejects.toThrow(/snapshot rows/);
  });
});
