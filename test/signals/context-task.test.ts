import { describe, expect, it } from 'vitest';
import { inlineBackend, threadsBackend } from '../../src/compute/index.ts';
import { buildSignalContext, type SignalContext } from '../../src/signals/context.ts';
import { buildSharedSignalContext } from '../../src/signals/context-task.ts';
import { withSharedFwlBases } from '../../src/signals/neutralize.ts';
import { fixtureUniverse, sameBits } from './fixtures.ts';

/** Every array of a context (bases included), named. */
function arrays(ctx: SignalContext): [string, ArrayLike<number>][] {
  const out: [string, ArrayLike<number>][] = [
    ['logReturn', ctx.logReturn],
    ['marketReturn', ctx.marketReturn],
    ['beta', ctx.beta],
    ...ctx.regressors.map((r, k) => [`regressor ${k}`, r] as [string, ArrayLike<number>]),
  ];
  for (const [name, list] of [
    ['forward', ctx.forward],
    ['forwardRank', ctx.forwardRank],
    ['forwardRank16', ctx.forwardRank16 ?? []],
    ['forwardRankCount', ctx.forwardRankCount],
    ['forwardRankSS', ctx.forwardRankSS],
  ] as const)
    list.forEach((a, k) => out.push([`${name} ${k}`, a]));
  const b = ctx.fwlBases!;
  out.push(['bases kind', b.kind], ['bases q', b.q], ['bases 1/|sector|', b.invGroupSize]);
  return out;
}

describe('buildSharedSignalContext (context units spread over a pool, decision 027)', () => {
  // Long enough for several `bases` units (320 dates each) and holes, so some dates are built per thread.
  const universe = fixtureUniverse({ T: 700, N: 37, holes: 0.004, seed: 19 });
  const options = { horizons: [1, 5, 21] };
  const serial = withSharedFwlBases(buildSignalContext(universe, options));

  it('is bit-identical to the serial build inline and on threads pools of 1 and 3 workers', async () => {
    expect(serial.fwlBases!.kind.some((k) => k === -1)).toBe(true);
    expect(serial.fwlBases!.kind.some((k) => k === 2)).toBe(true);
    const inline = await buildSharedSignalContext(universe, options, inlineBackend());
    const built = [inline];
    for (const workers of [1, 3]) {
      const pool = threadsBackend({ workers });
      try {
        // The first build may finish before the workers are up; on the second they take units as soon as
        // this thread yields after its first one.
        built.push(await buildSharedSignalContext(universe, options, pool));
        built.push(await buildSharedSignalContext(universe, options, pool));
      } finally {
        await pool.close();
      }
    }
    for (const ctx of built) {
      const want = arrays(serial);
      const got = arrays(ctx);
      expect(got.map(([n]) => n)).toEqual(want.map(([n]) => n));
      got.forEach(([name, a], k) => expect(sameBits(a, want[k]![1]), name).toBe(true));
      expect(ctx.notes).toEqual(serial.notes);
      expect(ctx.regressorNames).toEqual(serial.regressorNames);
    }
  });

  it('rethrows an option error before any unit runs', async () => {
    await expect(buildSharedSignalContext(universe, { horizons: [] }, inlineBackend())).rejects.toThrow(
      /at least one horizon/,
    );
  });
});
