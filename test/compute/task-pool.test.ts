import { describe, expect, it } from 'vitest';
import { openTaskPool } from '../../src/compute/index.ts';
import { InvalidInputError } from '../../src/core/errors.ts';
import { allocFloat64 } from '../../src/core/panel.ts';
import { Rng } from '../../src/core/rng.ts';
import type { MomentsShared, MomentsTask } from './fixtures/moments-task.ts';

const taskModule = new URL('./fixtures/moments-task.ts', import.meta.url);
type Result = { row: number; sum: number; sumSq: number; isShared: boolean };

function makeShared(rows: number, cols: number): MomentsShared {
  const input = allocFloat64(rows * cols, { shared: true });
  const rng = new Rng(3);
  for (let k = 0; k < input.length; k++) input[k] = rng.normal() * 1e3;
  return { cols, input, output: allocFloat64(rows * cols, { shared: true }) };
}

describe('openTaskPool (tasks submitted one at a time)', () => {
  const rows = 12;
  const cols = 4000;

  it('gives bit-identical results inline and on 1 or 2 worker threads, sharing SharedArrayBuffers', async () => {
    const runs: Result[][] = [];
    for (const c of [
      { backend: 'inline' as const },
      { backend: 'threads' as const, workers: 1 },
      { backend: 'threads' as const, workers: 2 },
    ]) {
      const shared = makeShared(rows, cols);
      const pool = await openTaskPool<MomentsTask, Result, MomentsShared>(taskModule, { ...c, shared });
      try {
        // a dependent submission: the second half is submitted only once the first half is done
        const first = await Promise.all(Array.from({ length: rows / 2 }, (_, row) => pool.run({ row })));
        const second = await Promise.all(
          Array.from({ length: rows / 2 }, (_, r) => pool.run({ row: r + rows / 2 })),
        );
        runs.push([...first, ...second]);
      } finally {
        await pool.close();
      }
      expect(runs.at(-1)!.every((r) => r.isShared)).toBe(true);
      // the workers wrote into the caller's buffer: it was shared, not copied
      expect(shared.output[5 * cols + 7]).toBe(shared.input[5 * cols + 7]! * 2 + 1);
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  }, 60_000);

  it('rejects a failing task with its typed error and keeps running the others', async () => {
    for (const backend of ['inline', 'threads'] as const) {
      const pool = await openTaskPool<MomentsTask, Result, MomentsShared>(taskModule, {
        backend,
        workers: 1,
        shared: makeShared(2, 10),
      });
      try {
        await expect(pool.run({ row: 1, fail: true })).rejects.toBeInstanceOf(InvalidInputError);
        expect((await pool.run({ row: 0 })).row).toBe(0);
      } finally {
        await pool.close();
      }
    }
  }, 60_000);

  it('refuses an unknown backend and a bad worker count', async () => {
    await expect(openTaskPool(taskModule, { backend: 'gpu' as never })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(openTaskPool(taskModule, { backend: 'threads', workers: 0 })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
  });
});
