// Integration: the bullmq backend against the real Redis, with an in-process worker whose sandboxed
// children run the tasks. Same conformance expectations as the inline and threads backends.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBullmqBackend } from '../../src/compute/bullmq/backend.ts';
import { startComputeWorker, type WorkerHandle } from '../../src/compute/bullmq/worker.ts';
import { parallelMap, type TaskProgress } from '../../src/compute/index.ts';
import { InvalidInputError } from '../../src/core/errors.ts';
import { allocFloat64 } from '../../src/core/panel.ts';
import { Rng } from '../../src/core/rng.ts';
import type { MomentsShared, MomentsTask } from './fixtures/moments-task.ts';

const url = process.env.ALPHALAB_TEST_REDIS_URL;
if (!url) console.warn('bullmq-backend tests skipped: ALPHALAB_TEST_REDIS_URL is not set');

const taskModule = new URL('./fixtures/moments-task.ts', import.meta.url);
type Result = { row: number; sum: number; sumSq: number; isShared: boolean };

function makeShared(rows: number, cols: number): MomentsShared {
  const input = allocFloat64(rows * cols, { shared: true });
  const rng = new Rng(7);
  for (let k = 0; k < input.length; k++) input[k] = rng.normal() * 1e3;
  input[3] = Number.NaN;
  input[4] = -0;
  return { cols, input, output: allocFloat64(rows * cols, { shared: true }) };
}

function bits(x: Float64Array): string {
  return Buffer.from(x.buffer as ArrayBuffer, x.byteOffset, x.byteLength).toString('hex');
}

describe.skipIf(!url)('bullmq backend (real Redis)', () => {
  const prefix = `alphalab-test-${randomBytes(4).toString('hex')}`;
  let worker: WorkerHandle;
  const connection = url ?? '';

  beforeAll(async () => {
    worker = await startComputeWorker({ connection, prefix, concurrency: 2 });
  });

  afterAll(async () => {
    await worker?.close();
    const redis = new Redis(connection);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('gives bit-identical ordered results and shared writes equal to inline', async () => {
    const rows = 12;
    const cols = 3000;
    const tasks: MomentsTask[] = Array.from({ length: rows }, (_, row) => ({ row }));
    const inlineShared = makeShared(rows, cols);
    const expected = await parallelMap<MomentsTask, Result, MomentsShared>(tasks, taskModule, {
      shared: inlineShared,
    });
    const backend = createBullmqBackend({ connection, prefix });
    try {
      const shared = makeShared(rows, cols);
      const progress: TaskProgress[] = [];
      const out = await parallelMap<MomentsTask, Result, MomentsShared>(tasks, taskModule, {
        backend,
        shared,
        onProgress: (p) => progress.push(p),
      });
      expect(out.map((r) => r.row)).toEqual(tasks.map((t) => t.row));
      expect(out.map((r) => r.sum)).toEqual(expected.map((r) => r.sum));
      expect(out.map((r) => r.sumSq)).toEqual(expected.map((r) => r.sumSq));
      expect(out.every((r) => r.isShared)).toBe(true);
      expect(progress.map((p) => p.done)).toEqual(Array.from({ length: rows }, (_, k) => k + 1));
      expect(new Set(progress.map((p) => p.index)).size).toBe(rows);
      expect(bits(shared.output)).toBe(bits(inlineShared.output));
      expect(bits(shared.input)).toBe(bits(inlineShared.input));
    } finally {
      await backend.close();
    }
  });

  it("rethrows a task's typed error without retrying it", async () => {
    const backend = createBullmqBackend({ connection, prefix });
    try {
      const p = parallelMap<MomentsTask, Result, MomentsShared>(
        [{ row: 0 }, { row: 1, fail: true }, { row: 2 }],
        taskModule,
        { backend, shared: makeShared(4, 10) },
      );
      await expect(p).rejects.toBeInstanceOf(InvalidInputError);
      await expect(p).rejects.toThrow(/row 1 is marked to fail/);
    } finally {
      await backend.close();
    }
  });

  it('uploads a shared input once, also across runs, and can use an artifact directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alphalab-blobs-'));
    const published: { bytesWritten: number; bytesTotal: number }[] = [];
    const backend = createBullmqBackend({
      connection,
      prefix,
      artifactDir: dir,
      onPublished: (p) => published.push(p),
    });
    try {
      const shared = makeShared(3, 100);
      const tasks = [{ row: 0 }, { row: 1 }, { row: 2 }];
      const a = await parallelMap<MomentsTask, Result, MomentsShared>(tasks, taskModule, { backend, shared });
      // The outputs now differ from the first run's, the inputs do not: only the output buffer is new.
      const b = await parallelMap<MomentsTask, Result, MomentsShared>(tasks, taskModule, { backend, shared });
      expect(b).toEqual(a);
      expect(published[0]!.bytesWritten).toBe(published[0]!.bytesTotal);
      expect(published[1]!.bytesWritten).toBeLessThan(published[1]!.bytesTotal);
      expect(published[1]!.bytesWritten).toBeGreaterThanOrEqual(shared.output.byteLength);
    } finally {
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('returns an empty list for no tasks and refuses unsupported shared values', async () => {
    const backend = createBullmqBackend({ connection, prefix });
    try {
      expect(await parallelMap([], taskModule, { backend })).toEqual([]);
      const p = parallelMap([{ row: 0 }], taskModule, { backend, shared: { f: () => 1 } });
      await expect(p).rejects.toBeInstanceOf(InvalidInputError);
      await expect(p).rejects.toThrow(/shared\.f is a function/);
    } finally {
      await backend.close();
    }
  });
});
