// Integration: scheduled jobs on BullMQ job schedulers against the real Redis, executed by a schedule worker
// (sandboxed child) with the CLI's job handlers and a plugged module; status shows last runs, failures and
// missed runs.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULE_JOBS_MODULE } from '../../src/cli/jobs.ts';
import type { WorkerHandle } from '../../src/compute/bullmq/worker.ts';
import {
  listSchedules,
  openScheduleQueue,
  registerSchedules,
  removeSchedules,
  scheduleStatus,
} from '../../src/compute/schedule/scheduler.ts';
import { startScheduleWorker } from '../../src/compute/schedule/worker.ts';
import { defaultConfig } from '../../src/core/config.ts';
import { runInProcess } from '../cli/helpers.ts';

const url = process.env.ALPHALAB_TEST_REDIS_URL;
if (!url) console.warn('schedule-redis tests skipped: ALPHALAB_TEST_REDIS_URL is not set');

describe.skipIf(!url)('scheduled jobs on BullMQ (real Redis)', () => {
  const prefix = `alphalab-sched-${randomBytes(4).toString('hex')}`;
  const connection = url ?? '';
  const config = defaultConfig();
  let worker: WorkerHandle;
  const queue = url ? openScheduleQueue({ connection, prefix }) : undefined;

  beforeAll(async () => {
    worker = await startScheduleWorker({
      connection,
      prefix,
      // As `alphalab worker` does: the built-in retrain/monitor jobs, then a module replacing monitor.
      handlerModules: [
        SCHEDULE_JOBS_MODULE,
        new URL('./bullmq-fixtures/schedule-handlers.ts', import.meta.url).href,
      ],
    });
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    const redis = new Redis(connection);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('registers, lists and removes the three schedulers from the configured crons', async () => {
    const reg = await registerSchedules(queue!, config);
    expect(reg.map((r) => [r.name, r.pattern])).toEqual([
      ['risk_build', '0 2 * * 6'],
      ['retrain', '0 2 * * 0'],
      ['monitor', '0 6 * * 1-5'],
    ]);
    const listed = await listSchedules(queue!);
    expect(listed.map((s) => s.name).sort()).toEqual(['monitor', 'retrain', 'risk_build']);
    for (const s of listed) expect(s.next).toBeGreaterThan(Date.now());
    // Saturday 02:00 UTC for the risk build.
    const rb = listed.find((s) => s.name === 'risk_build')!;
    expect(new Date(rb.next!).getUTCDay()).toBe(6);
    expect(new Date(rb.next!).getUTCHours()).toBe(2);
    // A due run that no worker starts shows as missed.
    const later = await scheduleStatus(queue!, rb.next! + 5 * 60_000);
    expect(later.find((s) => s.name === 'risk_build')!.overdueSince).toBe(rb.next);
    expect((await scheduleStatus(queue!)).find((s) => s.name === 'risk_build')!.overdueSince).toBeUndefined();
    expect(await removeSchedules(queue!, ['monitor'])).toEqual(['monitor']);
    expect((await listSchedules(queue!)).map((s) => s.name).sort()).toEqual(['retrain', 'risk_build']);
    expect((await removeSchedules(queue!)).sort()).toEqual(['retrain', 'risk_build']);
    expect(await listSchedules(queue!)).toEqual([]);
  });

  it('shows a completed run with its result and a failed one with its error', async () => {
    const data = (job: string) => ({ job, config });
    const a = await queue!.add('monitor', data('monitor'));
    // The real retrain handler, on a universe directory that does not exist: fails fast with the reason.
    const missing = { ...config, data: { ...config.data, universe: '/nonexistent/alphalab-universe' } };
    const b = await queue!.add('retrain', { job: 'retrain', config: missing });
    for (let k = 0; k < 200; k++) {
      const states = await Promise.all([a.getState(), b.getState()]);
      if (states[0] === 'completed' && states[1] === 'failed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const status = await scheduleStatus(queue!);
    const monitor = status.find((s) => s.name === 'monitor')!;
    expect(monitor.lastRun).toMatchObject({ status: 'completed', result: { alerts: 0, checked: 3 } });
    expect(monitor.lastFailure).toBeUndefined();
    const retrain = status.find((s) => s.name === 'retrain')!;
    expect(retrain.lastRun?.status).toBe('failed');
    expect(retrain.lastFailure?.error).toMatch(/universe directory does not exist/);

    const cli = await runInProcess(
      ['schedule', 'status', '--redis', connection, '--prefix', prefix],
      [], // schedule is a core command of the program
    );
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/retrain[\s\S]*last failure: .*universe directory does not exist/);
    expect(cli.stdout).toMatch(/monitor[\s\S]*last run: .*COMPLETED/);
  }, 20_000);

  it('prints crontab lines when no Redis is configured', async () => {
    const cli = await runInProcess(['schedule'], []);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/^0 2 \* \* 6 cd .* schedule run risk_build/m);
    expect(cli.stdout).toMatch(/^0 6 \* \* 1-5 cd .* schedule run monitor/m);
    const bad = await runInProcess(['schedule', 'remove', 'x'], []);
    expect(bad.code).toBe(2);
  });
});
