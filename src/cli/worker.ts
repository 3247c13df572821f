/**
 * `alphalab worker --redis URL [--concurrency N]`: runs compute tasks (and scheduled jobs) from Redis on this
 * machine until SIGINT/SIGTERM, then finishes the running tasks and stops its children. Start one per
 * machine; see docs/distributed.md.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import type { RedisConnectionInput } from '../compute/bullmq/connection.ts';
import { describeRedis, resolveRedisOptions } from '../compute/bullmq/connection.ts';
import { startComputeWorker, type WorkerHandle } from '../compute/bullmq/worker.ts';
import { startScheduleWorker } from '../compute/schedule/worker.ts';
import { InvalidInputError } from '../core/errors.ts';
import { type CliContext, type CliSession, createCliContext } from './context.ts';
import { SCHEDULE_JOBS_MODULE } from './jobs.ts';

export interface RedisFlags {
  readonly redis?: string;
  readonly prefix?: string;
  readonly tlsCa?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsInsecure?: boolean;
}

/** Adds --redis, --prefix and the TLS flags shared by `worker` and `schedule`. */
export function addRedisOptions(command: Command): Command {
  return command
    .option(
      '--redis <url>',
      'redis://[user:password@]host:port[/db] or rediss:// (default: compute.redis_url)',
    )
    .option('--prefix <prefix>', 'Redis key prefix shared by drivers and workers (default: alphalab)')
    .option('--tls-ca <file>', 'PEM file of the CA that signed the Redis server certificate')
    .option('--tls-cert <file>', 'client certificate (PEM) for mutual TLS')
    .option('--tls-key <file>', 'client key (PEM) for mutual TLS')
    .option('--tls-insecure', 'do not verify the server certificate (testing only)');
}

function positiveInt(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1)
    throw new InvalidInputError(`${flag} must be a positive integer, got '${raw}'`, {
      where: { field: flag },
    });
  return v;
}

/** The connection from the flags, falling back to `compute.redis_url`; undefined when neither is set. */
export function redisFromFlags(flags: RedisFlags, session: CliSession): RedisConnectionInput | undefined {
  const url = flags.redis ?? session.config().compute.redis_url;
  if (url === undefined) return undefined;
  const tls: Record<string, unknown> = {};
  if (flags.tlsCa) tls.ca = readFileSync(flags.tlsCa);
  if (flags.tlsCert) tls.cert = readFileSync(flags.tlsCert);
  if (flags.tlsKey) tls.key = readFileSync(flags.tlsKey);
  if (flags.tlsInsecure) tls.rejectUnauthorized = false;
  if (Object.keys(tls).length === 0) return url;
  return { url, options: { tls: { ...resolveRedisOptions(url).tls, ...tls } } };
}

interface WorkerFlags extends RedisFlags {
  readonly concurrency?: string;
  readonly threads?: boolean;
  readonly schedule: boolean;
  readonly handlers?: string[];
  readonly lockMs?: string;
  readonly stalledMs?: string;
  readonly maxStalled?: string;
  readonly cacheMb?: string;
}

/** Resolves when the process is asked to stop. */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export function registerWorkerCommand(program: Command, ctx: CliContext = createCliContext()): Command {
  const cmd = program
    .command('worker')
    .description('run compute tasks and scheduled jobs from Redis (BullMQ) until stopped')
    .option(
      '--concurrency <n>',
      'tasks at once, one child process each (default: compute.workers or the cores)',
    )
    .option('--threads', 'run tasks in worker threads instead of child processes')
    .option('--no-schedule', 'do not run scheduled jobs on this worker')
    .option('--handlers <url...>', 'modules exporting scheduleHandlers to add to the built-in job handlers')
    .option('--lock-ms <ms>', 'job lock duration; a dead worker’s task restarts after about lock + stalled')
    .option('--stalled-ms <ms>', 'interval of the check for tasks of dead workers')
    .option('--max-stalled <n>', 'times a task may be recovered from dead workers before it fails')
    .option('--cache-mb <mb>', 'per-child cache of shared inputs in MiB (default 4096)');
  addRedisOptions(cmd).addHelpText(
    'after',
    `
Examples:
  $ alphalab worker --redis redis://10.0.0.5:6379 --concurrency 8
  $ alphalab worker --redis rediss://alphalab:secret@redis.internal:6380 --tls-ca ca.pem
  $ alphalab research --backend bullmq --redis redis://10.0.0.5:6379   # on the driver machine`,
  );
  cmd.action(async (flags: WorkerFlags, command: Command) => {
    const session = ctx.session(command);
    const connection = redisFromFlags(flags, session);
    if (connection === undefined) {
      throw new InvalidInputError('alphalab worker needs --redis URL (or compute.redis_url in the config)', {
        where: { field: 'redis' },
      });
    }
    const config = session.config();
    const common = {
      connection,
      logger: session.logger,
      useWorkerThreads: flags.threads === true,
      ...(flags.prefix === undefined ? {} : { prefix: flags.prefix }),
    };
    const lock = positiveInt(flags.lockMs, '--lock-ms');
    const stalled = positiveInt(flags.stalledMs, '--stalled-ms');
    const maxStalled = positiveInt(flags.maxStalled, '--max-stalled');
    const cacheMb = positiveInt(flags.cacheMb, '--cache-mb');
    const handles: WorkerHandle[] = [];
    try {
      handles.push(
        await startComputeWorker({
          ...common,
          concurrency:
            positiveInt(flags.concurrency, '--concurrency') ??
            config.compute.workers ??
            availableParallelism(),
          ...(lock === undefined ? {} : { lockDurationMs: lock }),
          ...(stalled === undefined ? {} : { stalledIntervalMs: stalled }),
          ...(maxStalled === undefined ? {} : { maxStalledCount: maxStalled }),
          ...(cacheMb === undefined ? {} : { cacheBytes: cacheMb * 1024 * 1024 }),
        }),
      );
      if (flags.schedule) {
        handles.push(
          await startScheduleWorker({
            ...common,
            // The built-in retrain/monitor handlers first, so a --handlers module can replace them.
            handlerModules: [SCHEDULE_JOBS_MODULE, ...(flags.handlers ?? [])],
          }),
        );
      }
      session.logger.info(
        {
          redis: describeRedis(resolveRedisOptions(connection)),
          name: handles[0]!.name,
          schedule: flags.schedule,
        },
        'alphalab worker running; stop with Ctrl-C or SIGTERM',
      );
      const sig = await stopSignal();
      session.logger.info({ signal: sig }, 'stopping: finishing running tasks');
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
  });
  return cmd;
}
