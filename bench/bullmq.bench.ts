/**
 * The signal tier on the bullmq backend with 1 and 2 local worker processes (one sandboxed child each)
 * against the inline backend: speed-up and per-task overhead. Needs Redis (ALPHALAB_BENCH_REDIS_URL or
 * ALPHALAB_TEST_REDIS_URL); without it the cases print why and report `skipped: 1`.
 *
 * Setup runs the tier inline (the reference time) and once on the workers cold (children start, shared
 * inputs load); the timed run is a warm run, as every run after the first of a long-lived worker is.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createBullmqBackend } from '../src/compute/bullmq/backend.ts';
import type { Universe } from '../src/core/universe.ts';
import { generateSyntheticMarket } from '../src/data/synthetic/index.ts';
import { runSignalTier } from '../src/research/tier.ts';
import { defineBenchmarks } from './harness.ts';

const url = process.env.ALPHALAB_BENCH_REDIS_URL ?? process.env.ALPHALAB_TEST_REDIS_URL;
const STOCKS = 300;
const DAYS = 756;
const VARIANTS = 3; // 33 signal tasks
const ROOT = join(import.meta.dirname, '..');

function startWorker(redisUrl: string, prefix: string): Promise<ChildProcess> {
  const args = ['worker', '--redis', redisUrl, '--prefix', prefix, '--concurrency', '1', '--no-schedule'];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/compute/bullmq-fixtures/worker-main.ts', ...args],
    {
      cwd: ROOT,
      env: { ...process.env, ALPHALAB_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('alphalab worker running')) resolve(child);
    });
    child.on('exit', (c) => reject(new Error(`bench worker exited with ${c}: ${err.slice(-500)}`)));
  });
}

interface State {
  universe: Universe;
  prefix: string;
  workers: ChildProcess[];
  inlineMs: number;
  coldMs: number;
  tasks: number;
}

function tierOnWorkers(n: number) {
  return {
    name: `compute.bullmq.tier.${n}worker${n > 1 ? 's' : ''}`,
    size: `${STOCKS}x${DAYS}, ${VARIANTS * 11} signals, ${n} local worker process${n > 1 ? 'es' : ''}`,
    async setup(): Promise<State | undefined> {
      if (!url) {
        process.stderr.write(
          'compute.bullmq skipped: set ALPHALAB_BENCH_REDIS_URL or ALPHALAB_TEST_REDIS_URL\n',
        );
        return undefined;
      }
      const universe = generateSyntheticMarket({ stocks: STOCKS, days: DAYS, shared: true }).universe;
      const t0 = performance.now();
      const ref = await runSignalTier(universe, { variants: VARIANTS, backend: 'inline' });
      const inlineMs = performance.now() - t0;
      const prefix = `alphalab-bench-${randomBytes(4).toString('hex')}`;
      const workers = await Promise.all(Array.from({ length: n }, () => startWorker(url, prefix)));
      const backend = createBullmqBackend({ connection: url, prefix });
      const t1 = performance.now();
      await runSignalTier(universe, { variants: VARIANTS, backend });
      const coldMs = performance.now() - t1;
      await backend.close();
      return { universe, prefix, workers, inlineMs, coldMs, tasks: ref.signals.length };
    },
    async run(s: State | undefined) {
      if (!s) return { skipped: 1 };
      const backend = createBullmqBackend({ connection: url!, prefix: s.prefix });
      try {
        const t0 = performance.now();
        await runSignalTier(s.universe, { variants: VARIANTS, backend });
        const warmMs = performance.now() - t0;
        return {
          inlineMs: s.inlineMs,
          coldMs: s.coldMs,
          warmMs,
          speedupVsInline: s.inlineMs / warmMs,
          // Extra wall time per task over inline, spread over the workers: queueing, IPC, result transfer.
          overheadMsPerTask: (warmMs * n - s.inlineMs) / s.tasks,
        };
      } finally {
        await backend.close();
        for (const w of s.workers) w.kill('SIGTERM');
        const redis = new Redis(url!);
        const keys = await redis.keys(`${s.prefix}:*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
      }
    },
  };
}

export default defineBenchmarks([tierOnWorkers(1), tierOnWorkers(2)]);
