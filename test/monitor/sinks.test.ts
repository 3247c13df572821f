import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, UnavailableError } from '../../src/core/errors.ts';
import { silentLogger } from '../../src/core/log.ts';
import { type AlertNotice, deliverAlerts, redisStreamSink, webhookSink } from '../../src/monitor/sinks.ts';
import type { MonitorAlert } from '../../src/monitor/types.ts';

const alert: MonitorAlert = {
  date: '2024-06-28',
  strategyId: 'ml_signal',
  rule: 'psi_above_0_25',
  severity: 'severe',
  metric: 'psi:ret_5d',
  value: 0.31,
  threshold: 0.25,
  distance: 0.06,
  consecutive: 1,
  action: 'trigger the retraining process',
  retrain: true,
  message: 'psi:ret_5d = 0.31 > 0.25 for 1 day: trigger the retraining process',
};
const notice: AlertNotice = {
  date: '2024-06-28',
  strategyId: 'ml_signal',
  runId: 'run-1',
  worstSeverity: 'severe',
  decision: 'ACTION REQUIRED (severe): trigger the retraining process',
  alerts: [alert, { ...alert, metric: 'psi:vol_20d', value: Number.NaN }],
};

/** A local server whose k-th request gets `plan[k]` (a status, or 'hang' to never answer). */
let server: Server;
let url = '';
let plan: (number | 'hang')[] = [];
const received: { body: unknown; type: string | undefined }[] = [];
beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let data = '';
    req.on('data', (c) => {
      data += c;
    });
    req.on('end', () => {
      received.push({ body: JSON.parse(data), type: req.headers['content-type'] });
      const step = plan.shift() ?? 200;
      if (step === 'hang') return;
      res.writeHead(step).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('webhook sink (real HTTP server on 127.0.0.1)', () => {
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
  };
  it('POSTs the alerts as JSON, NaN as null', async () => {
    received.length = 0;
    plan = [200];
    await webhookSink({ url, timeoutMs: 2000, retries: 2, sleep }).send(notice);
    expect(received).toHaveLength(1);
    expect(received[0]!.type).toBe('application/json');
    const body = received[0]!.body as { strategy: string; alerts: Record<string, unknown>[] };
    expect(body.strategy).toBe('ml_signal');
    expect(body.alerts[0]).toMatchObject({
      rule: 'psi_above_0_25',
      severity: 'severe',
      distance: 0.06,
      consecutive: 1,
    });
    expect(body.alerts[1]!.value).toBeNull();
  });
  it('retries 5xx and 429 with exponential backoff, then succeeds', async () => {
    received.length = 0;
    sleeps.length = 0;
    plan = [503, 429, 200];
    await webhookSink({ url, timeoutMs: 2000, retries: 3, backoffMs: 100, sleep }).send(notice);
    expect(received).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]);
  });
  it('gives up after the retries with an UnavailableError, and does not retry a 400', async () => {
    received.length = 0;
    plan = [500, 500, 500];
    await expect(webhookSink({ url, timeoutMs: 2000, retries: 2, sleep }).send(notice)).rejects.toThrow(
      /HTTP 500\) after 3 attempt/,
    );
    received.length = 0;
    plan = [400];
    const e = await webhookSink({ url, timeoutMs: 2000, retries: 5, sleep })
      .send(notice)
      .catch((x) => x);
    expect(e).toBeInstanceOf(UnavailableError);
    expect(received).toHaveLength(1);
  });
  it('times out a hanging server and retries', async () => {
    received.length = 0;
    plan = ['hang', 200];
    await webhookSink({ url, timeoutMs: 150, retries: 1, sleep }).send(notice);
    expect(received).toHaveLength(2);
    plan = ['hang', 'hang'];
    await expect(webhookSink({ url, timeoutMs: 100, retries: 1, sleep }).send(notice)).rejects.toThrow(
      /timed out after 100 ms/,
    );
  });
  it('refuses a bad URL and bad settings up front', () => {
    expect(() => webhookSink({ url: 'not a url', timeoutMs: 1, retries: 0 })).toThrow(InvalidInputError);
    expect(() => webhookSink({ url: 'ftp://x/y', timeoutMs: 1, retries: 0 })).toThrow(/http/);
    expect(() => webhookSink({ url, timeoutMs: 1, retries: -1 })).toThrow(/retries/);
  });
  it('deliverAlerts reports a failing sink without throwing and skips empty notices', async () => {
    plan = [400];
    const out = await deliverAlerts([webhookSink({ url, timeoutMs: 500, retries: 0 })], notice, silentLogger);
    expect(out[0]!.error).toMatch(/HTTP 400/);
    received.length = 0;
    const none = await deliverAlerts(
      [webhookSink({ url, timeoutMs: 500, retries: 0 })],
      { ...notice, alerts: [] },
      silentLogger,
    );
    expect(none).toEqual([{ sink: 'webhook', delivered: 0, error: null }]);
    expect(received).toHaveLength(0);
  });
});

/** A Redis field list [k1, v1, k2, v2, …] as an object. */
function pairs(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let k = 0; k + 1 < list.length; k += 2) out[list[k]!] = list[k + 1]!;
  return out;
}

const redisUrl = process.env.ALPHALAB_TEST_REDIS_URL;
if (!redisUrl) console.warn('skipping the Redis stream sink tests: ALPHALAB_TEST_REDIS_URL is not set');
describe.skipIf(!redisUrl)('Redis stream sink (real Redis)', () => {
  it('XADDs one entry per alert', async () => {
    const stream = `alphalab:test:alerts:${process.pid}:${Date.now()}`;
    const sink = redisStreamSink({ redis: redisUrl!, stream });
    const r = new Redis(redisUrl!);
    try {
      await sink.send(notice);
      const entries = await r.xrange(stream, '-', '+');
      expect(entries).toHaveLength(2);
      const fields = pairs(entries[0]![1]);
      expect(fields).toMatchObject({
        rule: 'psi_above_0_25',
        severity: 'severe',
        value: '0.31',
        run_id: 'run-1',
      });
      const second = pairs(entries[1]![1]);
      expect(second.value).toBe('');
    } finally {
      await r.del(stream);
      await r.quit();
      await sink.close();
    }
  });
  it('an unreachable Redis is an UnavailableError', async () => {
    const sink = redisStreamSink({ redis: 'redis://127.0.0.1:1', stream: 's' });
    try {
      await expect(sink.send(notice)).rejects.toThrow(UnavailableError);
    } finally {
      await sink.close();
    }
  });
});
