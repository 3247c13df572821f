// Fault test against the real Redis: two real worker processes, one SIGKILLed while a task of its child is
// running. The run completes with results identical to inline, every task reported once, the killed task
// re-run by the survivor, and the killed worker's child process gone.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createBullmqBackend } from '../../src/compute/bullmq/backend.ts';
import { COMPUTE_QUEUE } from '../../src/compute/bullmq/protocol.ts';
import { parallelMap } from '../../src/compute/index.ts';
import { Rng } from '../../src/core/rng.ts';
import type { SleepShared } from './bullmq-fixtures/sleep-task.ts';

const url = process.env.ALPHALAB_TEST_REDIS_URL;
if (!url) console.warn('bullmq-fault test skipped: ALPHALAB_TEST_REDIS_URL is not set');

const ROOT = join(import.meta.dirname, '..', '..');
const taskModule = new URL('./bullmq-fixtures/sleep-task.ts', import.meta.url);
type Out = { i: number; value: number };

function startWorker(redisUrl: string, prefix: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/compute/bullmq-fixtures/worker-main.ts',
      'worker',
      '--redis',
      redisUrl,
      '--prefix',
      prefix,
      '--concurrency',
      '1',
      '--lock-ms',
      '1000',
      '--stalled-ms',
      '300',
      '--no-schedule',
    ],
    { cwd: ROOT, env: { ...process.env, ALPHALAB_LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('alphalab worker running')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}: ${err}`)));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function makeShared(log: string, tasks: number): SleepShared {
  const input = new Float64Array(5000);
  const rng = new Rng(11);
  for (let k = 0; k < input.length; k++) input[k] = rng.normal();
  return { log, ms: 80, input, output: new Float64Array(tasks).fill(Number.NaN) };
}

describe.skipIf(!url)('bullmq backend survives a SIGKILLed worker (real processes)', () => {
  const prefix = `alphalab-fault-${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'alphalab-fault-'));
  const workers: ChildProcess[] = [];

  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const redis = new Redis(url ?? '');
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('completes with identical results, no task lost and none counted twice', async () => {
    const n = 12;
    const tasks = Array.from({ length: n }, (_, i) => ({ i }));
    const inlineShared = makeShared(join(dir, 'inline.log'), n);
    const expected = await parallelMap<{ i: number }, Out, SleepShared>(tasks, taskModule, {
      shared: inlineShared,
    });

    const [a, b] = await Promise.all([startWorker(url!, prefix), startWorker(url!, prefix)]);
    workers.push(a!, b!);
    const log = join(dir, 'run.log');
    const shared = makeShared(log, n);
    const lines = () => {
      try {
        return readFileSync(log, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(' '));
      } catch {
        return [];
      }
    };
    // Kill worker A (the parent process) while its child is inside a task: a start without an end.
    let killed: { task: string; child: number } | undefined;
    const watcher = setInterval(() => {
      if (killed) return;
      const ls = lines();
      const open = ls.find(
        ([ev, i, pid, ppid]) =>
          ev === 'start' &&
          Number(ppid) === a!.pid &&
          !ls.some((m) => m[0] === 'end' && m[1] === i && m[2] === pid),
      );
      if (open) {
        a!.kill('SIGKILL');
        killed = { task: open[1]!, child: Number(open[2]) };
      }
    }, 10);

    const backend = createBullmqBackend({ connection: url!, prefix, pollMs: 500 });
    const reported: number[] = [];
    let out: Out[];
    try {
      out = await parallelMap<{ i: number }, Out, SleepShared>(tasks, taskModule, {
        backend,
        shared,
        onProgress: (p) => reported.push(p.index),
      });
    } finally {
      clearInterval(watcher);
      await backend.close();
    }

    expect(killed).toBeDefined();
    // Identical results and shared writes, every task reported exactly once.
    expect(out.map((r) => r.value)).toEqual(expected.map((r) => r.value));
    expect(Buffer.from(shared.output.buffer).equals(Buffer.from(inlineShared.output.buffer))).toBe(true);
    expect([...reported].sort((x, y) => x - y)).toEqual(tasks.map((t) => t.i));
    // The killed task was started again, and finished, by worker B (its result is the one reported once).
    const ls = lines();
    const onB = (ev: string) =>
      ls.filter(([e, i, , ppid]) => e === ev && i === killed!.task && Number(ppid) === b!.pid);
    expect(onB('start').length).toBe(1);
    expect(onB('end').length).toBe(1);
    // The dead worker's child does not outlive it (it exits once its IPC channel closes).
    for (let k = 0; k < 50 && alive(killed!.child); k++) await new Promise((r) => setTimeout(r, 100));
    expect(alive(killed!.child)).toBe(false);
    // BullMQ holds no job of the run any more (each completed once, then removed by the driver).
    const q = new Queue(COMPUTE_QUEUE, { connection: { url: url! }, prefix });
    try {
      const counts = await q.getJobCounts('active', 'waiting', 'delayed', 'completed', 'failed');
      expect(counts).toEqual({ active: 0, waiting: 0, delayed: 0, completed: 0, failed: 0 });
    } finally {
      await q.close();
    }
  }, 30_000);
});
