/**
 * Redis connection settings for the BullMQ backend, the workers and the scheduler. A URL
 * (`redis://[user:password@]host[:port][/db]`, `rediss://` for TLS) or explicit ioredis options; explicit
 * options win over what the URL says, so certificates, a CA or `rejectUnauthorized` pass straight through.
 */
import type { RedisOptions } from 'bullmq';

export type { RedisOptions };

import { InvalidInputError } from '../../core/errors.ts';

export type RedisConnectionInput =
  | string
  | RedisOptions
  | { readonly url: string; readonly options?: RedisOptions };

/** Parses a redis:// or rediss:// URL into ioredis options (TLS on for rediss://). */
export function redisOptionsFromUrl(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch (e) {
    throw new InvalidInputError(`Redis URL '${redactRedisUrl(url)}' is not a URL`, {
      where: { field: 'redis' },
      cause: e,
    });
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new InvalidInputError(`Redis URL must start with redis:// or rediss://, got '${u.protocol}//'`, {
      where: { field: 'redis' },
    });
  }
  const out: RedisOptions = { host: u.hostname || '127.0.0.1', port: u.port ? Number(u.port) : 6379 };
  if (u.username) out.username = decodeURIComponent(u.username);
  if (u.password) out.password = decodeURIComponent(u.password);
  const db = u.pathname.replace(/^\//, '');
  if (db !== '') {
    const n = Number(db);
    if (!Number.isInteger(n) || n < 0)
      throw new InvalidInputError(`Redis database must be a non-negative integer, got '${db}'`, {
        where: { field: 'redis' },
      });
    out.db = n;
  }
  if (u.protocol === 'rediss:') out.tls = { servername: u.hostname };
  return out;
}

/** Resolves any accepted form to ioredis options. */
export function resolveRedisOptions(input: RedisConnectionInput): RedisOptions {
  if (typeof input === 'string') return redisOptionsFromUrl(input);
  if ('url' in input && typeof input.url === 'string') {
    const base = redisOptionsFromUrl(input.url);
    const extra = (input as { options?: RedisOptions }).options ?? {};
    const tls = base.tls || extra.tls ? { ...(base.tls ?? {}), ...(extra.tls ?? {}) } : undefined;
    return { ...base, ...extra, ...(tls ? { tls } : {}) };
  }
  return { ...(input as RedisOptions) };
}

/** `redis://user:***@host:port/db`: a URL safe to log. */
export function redactRedisUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):([^@/]*)@/, '//$1:***@');
}

/** Human description of resolved options, without the password. */
export function describeRedis(o: RedisOptions): string {
  const scheme = o.tls ? 'rediss' : 'redis';
  const user = o.username ? `${o.username}${o.password ? ':***' : ''}@` : o.password ? ':***@' : '';
  const where = o.path ?? `${o.host ?? '127.0.0.1'}:${o.port ?? 6379}`;
  return `${scheme}://${user}${where}${o.db ? `/${o.db}` : ''}`;
}
