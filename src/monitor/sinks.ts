/**
 * Where alerts go, each optional: the structured log, a webhook (JSON POST with a timeout and retries with
 * exponential backoff) and a Redis stream (XADD, one entry per alert; seed 003 logs drift events to a
 * Redis stream). A sink failure never loses an alert: alerts are stored before they are sent.
 */
import { Redis } from 'ioredis';
import { InvalidInputError, UnavailableError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import type { MonitorAlert, Severity } from './types.ts';

/** What a sink receives: the new alerts of one strategy on one date. */
export interface AlertNotice {
  readonly date: string;
  readonly strategyId: string;
  readonly runId: string;
  readonly worstSeverity: Severity | null;
  /** The job's decision line (OK / ACTION REQUIRED …). */
  readonly decision: string;
  readonly alerts: readonly MonitorAlert[];
}

export interface AlertSink {
  readonly name: string;
  send(notice: AlertNotice): Promise<void>;
  close(): Promise<void>;
}

const LOG_LEVEL: Record<Severity, 'info' | 'warn' | 'error' | 'fatal'> = {
  info: 'info',
  warning: 'warn',
  severe: 'error',
  critical: 'fatal',
};

/** JSON form of an alert; NaN becomes null (JSON has no NaN). */
export function alertJson(a: MonitorAlert): Record<string, string | number | null> {
  const n = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    date: a.date,
    strategy: a.strategyId,
    rule: a.rule,
    severity: a.severity,
    metric: a.metric,
    value: n(a.value),
    threshold: n(a.threshold),
    distance: n(a.distance),
    consecutive: a.consecutive,
    action: a.action,
    message: a.message,
  };
}

/** Logs every alert at a level matching its severity (warning → warn, severe → error, critical → fatal). */
export function logSink(logger: Logger): AlertSink {
  return {
    name: 'log',
    async send(notice) {
      for (const a of notice.alerts)
        logger[LOG_LEVEL[a.severity]]({ alert: alertJson(a), runId: notice.runId }, a.message);
    },
    async close() {},
  };
}

export interface WebhookSinkOptions {
  readonly url: string;
  /** Per-attempt timeout; config monitor.webhook_timeout_ms. */
  readonly timeoutMs: number;
  /** Retries after the first attempt; config monitor.webhook_retries. */
  readonly retries: number;
  /** Wait before retry k (0-based) is backoffMs · 2^k; default 250 ms. */
  readonly backoffMs?: number;
  /** Injected sleep (tests). */
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A status worth retrying: the server or a proxy is overloaded or failing, not the request. */
const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

/**
 * POSTs `{date, strategy, run_id, worst_severity, decision, alerts: [...]}` as JSON. Network errors,
 * timeouts, 408, 429 and 5xx are retried `retries` times with exponential backoff; another 4xx is not
 * (the request itself is wrong). Throws UnavailableError when delivery finally fails.
 */
export function webhookSink(o: WebhookSinkOptions): AlertSink {
  let url: URL;
  try {
    url = new URL(o.url);
  } catch (cause) {
    throw new InvalidInputError(`webhook URL '${o.url}' is not a URL`, {
      where: { field: 'webhook_url' },
      cause,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidInputError(`webhook URL must be http:// or https://, got '${url.protocol}//'`, {
      where: { field: 'webhook_url' },
    });
  if (!(Number.isInteger(o.retries) && o.retries >= 0))
    throw new InvalidInputError(`webhook retries must be an integer ≥ 0, got ${o.retries}`);
  if (!(o.timeoutMs > 0)) throw new InvalidInputError(`webhook timeout must be > 0 ms, got ${o.timeoutMs}`);
  const sleep = o.sleep ?? defaultSleep;
  const backoff = o.backoffMs ?? 250;
  return {
    name: 'webhook',
    async send(notice) {
      const body = JSON.stringify({
        date: notice.date,
        strategy: notice.strategyId,
        run_id: notice.runId,
        worst_severity: notice.worstSeverity,
        decision: notice.decision,
        alerts: notice.alerts.map(alertJson),
      });
      let last = '';
      for (let attempt = 0; attempt <= o.retries; attempt++) {
        if (attempt > 0) await sleep(backoff * 2 ** (attempt - 1));
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            signal: AbortSignal.timeout(o.timeoutMs),
          });
          await res.arrayBuffer();
          if (res.ok) return;
          last = `HTTP ${res.status}`;
          if (!retryable(res.status)) break;
        } catch (e) {
          last = (e as Error).name === 'TimeoutError' ? `timed out after ${o.timeoutMs} ms` : String(e);
        }
      }
      throw new UnavailableError(
        `webhook ${url.origin}${url.pathname} did not accept the alerts (${last}) after ${o.retries + 1} attempt(s)`,
      );
    },
    async close() {},
  };
}

export interface RedisStreamSinkOptions {
  /** A redis:// URL, or an ioredis client the caller owns (not closed by the sink). */
  readonly redis: string | Redis;
  /** Stream key; config monitor.redis_stream. */
  readonly stream: string;
  /** Approximate cap on the stream length (XADD MAXLEN ~); none by default. */
  readonly maxLen?: number;
}

/** XADDs one entry per alert (fields as in {@link alertJson}, plus run_id) to the stream. */
export function redisStreamSink(o: RedisStreamSinkOptions): AlertSink {
  if (o.stream.length === 0) throw new InvalidInputError('the Redis stream name is empty');
  const owned = typeof o.redis === 'string';
  let client: Redis | null = owned ? null : (o.redis as Redis);
  const connect = () => {
    if (client === null) {
      client = new Redis(o.redis as string, { lazyConnect: true, maxRetriesPerRequest: 2 });
      // Connection errors surface as rejected commands in send(); without a listener ioredis prints them.
      client.on('error', () => {});
    }
    return client;
  };
  return {
    name: 'redis',
    async send(notice) {
      const redis = connect();
      const pipe = redis.pipeline();
      for (const a of notice.alerts) {
        const fields: string[] = [];
        for (const [k, v] of Object.entries({ ...alertJson(a), run_id: notice.runId }))
          fields.push(k, v === null ? '' : String(v));
        if (o.maxLen !== undefined) pipe.xadd(o.stream, 'MAXLEN', '~', String(o.maxLen), '*', ...fields);
        else pipe.xadd(o.stream, '*', ...fields);
      }
      let results: [Error | null, unknown][] | null;
      try {
        results = await pipe.exec();
      } catch (cause) {
        throw new UnavailableError(`cannot XADD alerts to Redis stream '${o.stream}'`, { cause });
      }
      const failed = results?.find(([err]) => err !== null);
      if (failed)
        throw new UnavailableError(
          `cannot XADD alerts to Redis stream '${o.stream}': ${failed[0]!.message}`,
          {
            cause: failed[0],
          },
        );
    },
    async close() {
      if (owned && client) {
        const c = client;
        client = null;
        await c.quit().catch(() => c.disconnect());
      }
    },
  };
}

/** How one sink's delivery went. */
export interface SinkOutcome {
  readonly sink: string;
  readonly delivered: number;
  readonly error: string | null;
}

/** Sends the notice to every sink (skipped when it holds no alert); failures are logged and returned. */
export async function deliverAlerts(
  sinks: readonly AlertSink[],
  notice: AlertNotice,
  logger: Logger,
): Promise<SinkOutcome[]> {
  const out: SinkOutcome[] = [];
  if (notice.alerts.length === 0) return sinks.map((s) => ({ sink: s.name, delivered: 0, error: null }));
  for (const s of sinks) {
    try {
      await s.send(notice);
      out.push({ sink: s.name, delivered: notice.alerts.length, error: null });
    } catch (e) {
      const error = (e as Error).message;
      logger.error({ sink: s.name, err: error }, 'alert sink failed');
      out.push({ sink: s.name, delivered: 0, error });
    }
  }
  return out;
}
