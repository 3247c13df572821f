import { describe, expect, it } from 'vitest';
import { monitorJob, retrainJob, SCHEDULE_JOBS_MODULE } from '../../src/cli/jobs.ts';
import { checkCron, cronProblem } from '../../src/compute/schedule/cron.ts';
import { crontabLines } from '../../src/compute/schedule/crontab.ts';
import {
  defaultScheduleHandlers,
  loadScheduleHandlers,
  runScheduledJob,
  SCHEDULED_JOBS,
  scheduleCrons,
  withHandlers,
} from '../../src/compute/schedule/jobs.ts';
import { defaultConfig } from '../../src/core/config.ts';
import { InvalidInputError, UnavailableError } from '../../src/core/errors.ts';
import { silentLogger } from '../../src/core/log.ts';

describe('cron expressions', () => {
  it('accepts the configured defaults and the usual forms', () => {
    for (const e of [
      '0 2 * * 6',
      '0 2 * * 0',
      '0 6 * * 1-5',
      '*/15 * * * *',
      '0 0 1,15 jan-jun MON',
      '5 4 * * 7',
    ])
      expect(cronProblem(e)).toBeUndefined();
    expect(checkCron('  0   6 * *  1-5 ', 'schedule.monitor')).toBe('0 6 * * 1-5');
  });

  it('refuses wrong field counts, out-of-range values, backwards ranges and zero steps, naming the key', () => {
    expect(cronProblem('0 2 * *')).toMatch(/5 fields/);
    expect(cronProblem('60 2 * * *')).toMatch(/minute/);
    expect(cronProblem('0 24 * * *')).toMatch(/hour/);
    expect(cronProblem('0 0 0 * *')).toMatch(/day of month/);
    expect(cronProblem('0 0 * 13 *')).toMatch(/month/);
    expect(cronProblem('0 0 * * 5-1')).toMatch(/backwards/);
    expect(cronProblem('*/0 * * * *')).toMatch(/step/);
    expect(cronProblem('0 0 * * fri-')).toBeDefined();
    expect(() => checkCron('0 2 * * 8', 'schedule.risk_build')).toThrow(/schedule\.risk_build/);
    expect(() => checkCron('x', 'schedule.retrain')).toThrow(InvalidInputError);
  });
});

describe('scheduled jobs', () => {
  const config = defaultConfig();

  it('reads one cron per job from the configuration', () => {
    expect(scheduleCrons(config)).toEqual({
      risk_build: '0 2 * * 6',
      retrain: '0 2 * * 0',
      monitor: '0 6 * * 1-5',
    });
    const bad = { ...config, schedule: { ...config.schedule, monitor: '0 6 * *' } };
    expect(() => scheduleCrons(bad)).toThrow(/schedule\.monitor/);
  });

  it('prints crontab lines that run each job in the project directory', () => {
    const lines = crontabLines(config, { cwd: '/srv/alpha lab', configFile: 'prod.yaml' });
    expect(lines).toContain('CRON_TZ=UTC');
    const jobs = lines.filter((l) => !l.startsWith('#') && l.includes('schedule run'));
    expect(jobs).toHaveLength(SCHEDULED_JOBS.length);
    expect(jobs[0]).toBe(
      "0 2 * * 6 cd '/srv/alpha lab' && npx alphalab --config prod.yaml schedule run risk_build >> .alphalab/logs/schedule.log 2>&1",
    );
  });

  it('wires risk_build here and retrain/monitor through the CLI jobs module; unknown names fail', async () => {
    const ctx = { config, logger: silentLogger };
    const handlers = defaultScheduleHandlers();
    // retrain and monitor sit above compute (src/cli/jobs.ts); without that module they are unavailable.
    expect([...handlers.keys()]).toEqual(['risk_build']);
    await expect(runScheduledJob('retrain', handlers, ctx)).rejects.toBeInstanceOf(UnavailableError);
    await expect(runScheduledJob('nope', handlers, ctx)).rejects.toThrow(
      /scheduled job 'nope' is not available in this build: no handler is registered/,
    );
    const loaded = await loadScheduleHandlers([SCHEDULE_JOBS_MODULE]);
    expect([...loaded.keys()].sort()).toEqual(['monitor', 'retrain', 'risk_build']);
    expect(loaded.get('retrain')).toBe(retrainJob);
    expect(loaded.get('monitor')).toBe(monitorJob);
    // A later module replaces a same-named handler, without touching the map it was built from.
    const plugged = withHandlers(loaded, { monitor: async () => ({ alerts: 0 }) });
    await expect(runScheduledJob('monitor', plugged, ctx)).resolves.toEqual({ alerts: 0 });
    expect(loaded.get('monitor')).toBe(monitorJob);
  });

  it('fails a retrain on a missing universe directory with the reason', async () => {
    const handlers = await loadScheduleHandlers([SCHEDULE_JOBS_MODULE]);
    const cfg = { ...config, data: { ...config.data, universe: '/nonexistent/alphalab-universe' } };
    for (const job of ['retrain', 'monitor'])
      await expect(runScheduledJob(job, handlers, { config: cfg, logger: silentLogger })).rejects.toThrow(
        /universe directory does not exist.*nonexistent\/alphalab-universe/,
      );
  });

  it('builds and persists the risk model through src/risk (small synthetic market)', async () => {
    const { mkdtempSync, rmSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const ws = mkdtempSync(join(tmpdir(), 'alphalab-sched-'));
    try {
      const cfg = {
        ...config,
        data: { ...config.data, synthetic: { ...config.data.synthetic, stocks: 60, days: 200 } },
        store: { ...config.store, workspace: ws },
        risk: { ...config.risk, min_dates: 60, min_tickers: 30 },
      };
      const r = (await runScheduledJob('risk_build', defaultScheduleHandlers(), {
        config: cfg,
        logger: silentLogger,
      })) as {
        asOf: string;
        factors: number;
        persistence: { status: string; path: string };
      };
      expect(r.persistence.status).toBe('written');
      expect(r.factors).toBeGreaterThan(0);
      expect(existsSync(join(r.persistence.path, 'metadata.json'))).toBe(true);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  }, 20_000);
});
