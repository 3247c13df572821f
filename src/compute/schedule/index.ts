/** Scheduled jobs (seeds 000, 003, 004) on BullMQ job schedulers, or crontab (docs/api/compute-bullmq.md). */
export { checkCron, cronProblem } from './cron.ts';
export { type CrontabOptions, crontabLines } from './crontab.ts';
export {
  configuredUniverse,
  defaultScheduleHandlers,
  loadScheduleHandlers,
  notAvailableHandler,
  riskBuildHandler,
  runScheduledJob,
  SCHEDULED_JOBS,
  type ScheduledJobContext,
  type ScheduledJobHandler,
  type ScheduledJobName,
  type ScheduledJobSpec,
  type ScheduleHandlers,
  scheduleCrons,
  withHandlers,
} from './jobs.ts';
export {
  listSchedules,
  OVERDUE_GRACE_MS,
  openScheduleQueue,
  type RegisteredSchedule,
  registerSchedules,
  removeSchedules,
  SCHEDULE_QUEUE,
  type ScheduleJobData,
  type ScheduleStatus,
  scheduleStatus,
} from './scheduler.ts';
export { type ScheduleWorkerOptions, startScheduleWorker } from './worker.ts';
