import { describe, expect, it } from 'vitest';
import type { TaskProgress } from '../../src/compute/index.ts';
import { createBackend, parallelMap } from '../../src/compute/index.ts';
import { InvalidInputError } from '../../src/core/errors.ts';
import { allocFloat64 } from '../../src/core/panel.ts';
import { Rng } from '../../src/core/rng.ts';
import type { MomentsShared, MomentsTask } from './fixtures/moments-task.ts';

const taskModule = new URL('./fixtures/moments-task.ts', import.meta.url);
type Result = { row: number; sum: number; sumSq: number; isShared: boolean };

function makeShared(rows: number, cols: number): MomentsShared {
  const input = allocFloat64(rows * cols, { shared: true });
  const rng = new Rng(7);
  for (let k = 0; k < input.length; k++) input[k] = rng.normal() * 1e3;
  return { cols, input, output: allocFloat64(rows * cols, { shared: true }) };
}

// One conformance suite for every backend configuration (style.md habit 4).
const configs = [
  { backend: 'inline' as const, workers: 1 },
  { backend: 'threads' as const, workers: 1 },
  { backend: 'threads' as const, workers: 2 },
  { backend: 'threads' as const, workers: 3 },
];

describe('parallelMap', () => {
  const rows = 24;
  const cols = 5000;
  const tasks: MomentsTask[] = Array.from({ length: rows }, (_, row) => ({ row }));

  it('gives bit-identical, ordered results on every backend and worker count', async () => {
    const runs: Result[][] = [];
    for (const c of configs) {
      const shared = makeShared(rows, cols);
      const progress: TaskProgress[] = [];
      const out = await parallelMap<MomentsTask, Result, MomentsShared>(tasks, taskModule, {
        ...c,
        shared,
        onProgress: (p) => progress.push(p),
      });
      expect(out.map((r) => r.row)).toEqual(tasks.map((t) => t.row));
      expect(progress.length).toBe(rows);
      expect(progress.map((p) => p.done)).toEqual(Array.from({ length: rows }, (_, k) => k + 1));
      expect(new Set(progress.map((p) => p.index)).size).toBe(rows);
      // The output was written by the tasks into shared memory: visible here only if not copied.
      for (let k = 0; k < shared.input.length; k += 997)
        expect(shared.output[k]).toBe(shared.input[k]! * 2 + 1);
      if (c.backend === 'threads') expect(out.every((r) => r.isShared)).toBe(true);
      runs.push(out);
    }
    for (const r of runs.slice(1)) {
      expect(r.map((x) => x.sum)).toEqual(runs[0]!.map((x) => x.sum));
      expect(r.map((x) => x.sumSq)).toEqual(runs[0]!.map((x) => x.sumSq));
    }
  });

  for (const c of configs) {
    it(`rethrows a task's typed error (${c.backend}, ${c.workers} workers)`, async () => {
      const shared = makeShared(4, 10);
      const bad = [{ row: 0 }, { row: 1, fail: true }, { row: 2 }];
      const p = parallelMap<MomentsTask, Result, MomentsShared>(bad, taskModule, { ...c, shared });
      await expect(p).rejects.toBeInstanceOf(InvalidInputError);
      await expect(p).rejects.toThrow(/row 1 is marked to fail/);
    });
  }

  it('returns an empty list for no tasks', async () => {
    expect(await parallelMap([], taskModule, { backend: 'threads', workers: 2 })).toEqual([]);
  });

  it('refuses a bare path, an unknown backend and a bad worker count', async () => {
    await expect(parallelMap([], './x.ts')).rejects.toBeInstanceOf(InvalidInputError);
    expect(() => createBackend('gpu' as 'inline')).toThrow(InvalidInputError);
    expect(() => createBackend('threads', { workers: 0 })).toThrow(InvalidInputError);
  });

  it('reuses a caller-owned backend across calls', async () => {
    const backend = createBackend('threads', { workers: 2 });
    try {
      const shared = makeShared(3, 10);
      const a = await parallelMap<MomentsTask, Result, MomentsShared>([{ row: 0 }, { row: 2 }], taskModule, {
        backend,
        shared,
      });
      const b = await parallelMap<MomentsTask, Result, MomentsShared>([{ row: 1 }], taskModule, {
        backend,
        shared,
      });
      expect(a.map((r) => r.row)).toEqual([0, 2]);
      expect(b[0]!.row).toBe(1);
    } finally {
      await backend.close();
    }
  });
});
