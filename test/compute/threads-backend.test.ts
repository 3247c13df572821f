import { describe, expect, it } from 'vitest';
import { parallelMap, threadsBackend } from '../../src/compute/index.ts';
import type { IdentityShared } from './fixtures/identity-task.ts';
import type { MomentsShared, MomentsTask } from './fixtures/moments-task.ts';

const identityTask = new URL('./fixtures/identity-task.ts', import.meta.url);
const momentsTask = new URL('./fixtures/moments-task.ts', import.meta.url);
type Identity = { threadId: number; tag: string; distinctPayloads: number };

function identityShared(tag: string, slots: number): IdentityShared {
  return { tag, counts: new Int32Array(new SharedArrayBuffer(slots * 4)) };
}

describe('threadsBackend', () => {
  it('keeps one pool across runs, hands each run one payload object per thread and imports modules on demand', async () => {
    const backend = threadsBackend({ workers: 2 });
    try {
      const tasks = Array.from({ length: 12 }, (_, slot) => ({ slot }));
      const first = identityShared('first', tasks.length);
      const a = await parallelMap<{ slot: number }, Identity, IdentityShared>(tasks, identityTask, {
        backend,
        shared: first,
      });
      // a second task module on the same workers, between two runs of the first
      const m: MomentsShared = { cols: 1, input: Float64Array.of(3), output: new Float64Array(1) };
      const [moments] = await parallelMap<MomentsTask, { row: number }, MomentsShared>(
        [{ row: 0 }],
        momentsTask,
        {
          backend,
          shared: m,
        },
      );
      expect(moments!.row).toBe(0);
      const second = identityShared('second', tasks.length);
      const b = await parallelMap<{ slot: number }, Identity, IdentityShared>(tasks, identityTask, {
        backend,
        shared: second,
      });
      expect(a.every((r) => r.tag === 'first') && b.every((r) => r.tag === 'second')).toBe(true);
      // every task ran once and wrote into the caller's SharedArrayBuffer (shared, not copied)
      expect([...first.counts]).toEqual(tasks.map(() => 1));
      expect([...second.counts]).toEqual(tasks.map(() => 1));
      // no more than `workers` threads over both runs: the pool was not rebuilt
      const threads = new Set([...a, ...b].map((r) => r.threadId));
      expect(threads.size).toBeLessThanOrEqual(2);
      expect(threads.has(0)).toBe(false);
      // within a run a thread sees one payload object; a thread's count grows by one per run it served
      for (const t of threads) {
        const inA = a.filter((r) => r.threadId === t).map((r) => r.distinctPayloads);
        const inB = b.filter((r) => r.threadId === t).map((r) => r.distinctPayloads);
        expect(new Set(inA).size).toBeLessThanOrEqual(1);
        expect(new Set(inB).size).toBeLessThanOrEqual(1);
        if (inA.length > 0 && inB.length > 0) expect(inB[0]).toBe(inA[0]! + 1);
      }
    } finally {
      await backend.close();
    }
  });

  it('starts early with preloaded modules and refuses runs once closed', async () => {
    const backend = threadsBackend({ workers: 2, preload: [identityTask] });
    backend.warm();
    backend.warm();
    const shared = identityShared('warm', 4);
    const out = await parallelMap<{ slot: number }, Identity, IdentityShared>(
      [0, 1, 2, 3].map((slot) => ({ slot })),
      identityTask,
      { backend, shared },
    );
    expect(out.map((r) => r.tag)).toEqual(['warm', 'warm', 'warm', 'warm']);
    await backend.close();
    await expect(backend.run([{ slot: 0 }], identityTask.href, shared, () => {})).rejects.toThrow(/closed/);
    await backend.close();
  });
});
