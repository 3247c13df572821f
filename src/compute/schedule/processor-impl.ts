/**
 * The scheduled-job handler inside a worker's sandboxed child: looks the job name up in the handler map
 * (defaults plus the worker's handler modules) and runs it with the configuration stored at registration.
 * Whatever it throws fails the run, which `schedule status` shows with its message.
 */
import { createLogger } from '../../core/log.ts';
import { processorSettings } from '../bullmq/processor-impl.ts';
import { loadScheduleHandlers, runScheduledJob, type ScheduleHandlers } from './jobs.ts';
import type { ScheduleJobData } from './scheduler.ts';

let handlers: Promise<ScheduleHandlers> | undefined;

export default async function processScheduledJob(job: {
  id?: string;
  name: string;
  data: ScheduleJobData;
  timestamp?: number;
  delay?: number;
}): Promise<unknown> {
  const settings = processorSettings();
  handlers ??= loadScheduleHandlers(settings.scheduleHandlerModules ?? []);
  const logger = createLogger({ runId: job.id ?? job.data.job, pretty: false }).child({ job: job.data.job });
  const t0 = Date.now();
  logger.info('scheduled job started');
  try {
    const result = await runScheduledJob(job.data.job, await handlers, {
      config: job.data.config,
      logger,
      ...(job.timestamp === undefined ? {} : { scheduledFor: job.timestamp + (job.delay ?? 0) }),
    });
    logger.info({ ms: Date.now() - t0 }, 'scheduled job done');
    return result ?? null;
  } catch (e) {
    logger.error(
      { ms: Date.now() - t0, err: e instanceof Error ? e.message : String(e) },
      'scheduled job failed',
    );
    throw e;
  }
}
