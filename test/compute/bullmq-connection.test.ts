import { describe, expect, it } from 'vitest';
import {
  describeRedis,
  redactRedisUrl,
  redisOptionsFromUrl,
  resolveRedisOptions,
} from '../../src/compute/bullmq/connection.ts';
import { ByteLru } from '../../src/compute/bullmq/lru.ts';
import { PACKAGE_ROOT_URL, resolveModuleRef, toModuleRef } from '../../src/compute/bullmq/module-ref.ts';
import { InvalidInputError } from '../../src/core/errors.ts';

describe('Redis connection settings', () => {
  it('parses user, password, database and TLS from the URL', () => {
    expect(redisOptionsFromUrl('redis://127.0.0.1:6379')).toEqual({ host: '127.0.0.1', port: 6379 });
    expect(redisOptionsFromUrl('rediss://alphalab:p%40ss@redis.internal:6380/2')).toEqual({
      host: 'redis.internal',
      port: 6380,
      username: 'alphalab',
      password: 'p@ss',
      db: 2,
      tls: { servername: 'redis.internal' },
    });
    expect(redisOptionsFromUrl('redis://:secret@h')).toMatchObject({
      host: 'h',
      port: 6379,
      password: 'secret',
    });
  });

  it('lets explicit options override and extend the URL (certificates pass through)', () => {
    const o = resolveRedisOptions({
      url: 'rediss://u:p@h:1/0',
      options: { password: 'other', tls: { ca: 'PEM', rejectUnauthorized: false } },
    });
    expect(o).toMatchObject({ host: 'h', port: 1, username: 'u', password: 'other' });
    expect(o.tls).toEqual({ servername: 'h', ca: 'PEM', rejectUnauthorized: false });
    expect(resolveRedisOptions({ host: 'x', port: 2, password: 'y' })).toEqual({
      host: 'x',
      port: 2,
      password: 'y',
    });
  });

  it('refuses other schemes and bad databases; never prints the password', () => {
    expect(() => redisOptionsFromUrl('http://h')).toThrow(InvalidInputError);
    expect(() => redisOptionsFromUrl('redis://h/x')).toThrow(/non-negative integer/);
    expect(() => redisOptionsFromUrl('not a url')).toThrow(InvalidInputError);
    expect(redactRedisUrl('rediss://u:secret@h:1')).toBe('rediss://u:***@h:1');
    const d = describeRedis(redisOptionsFromUrl('rediss://u:secret@h:1/3'));
    expect(d).toBe('rediss://u:***@h:1/3');
    expect(d).not.toContain('secret');
  });
});

describe('ByteLru', () => {
  it('evicts least recently used entries beyond the byte budget and skips oversized ones', () => {
    const lru = new ByteLru<string>(10);
    lru.set('a', 'A', 4);
    lru.set('b', 'B', 4);
    expect(lru.get('a')).toBe('A'); // a is now the most recent
    lru.set('c', 'C', 4); // 12 > 10: evicts b
    expect(lru.keys()).toEqual(['a', 'c']);
    expect(lru.bytes).toBe(8);
    lru.set('huge', 'H', 11);
    expect(lru.has('huge')).toBe(false);
    lru.set('a', 'A2', 1); // replacing re-sizes
    expect(lru.bytes).toBe(5);
    expect(lru.get('a')).toBe('A2');
    expect(lru.get('missing')).toBeUndefined();
  });
});

describe('module references', () => {
  it('sends package modules as relative paths and resolves them against the local root', () => {
    const url = new URL('src/research/signal-task.ts', PACKAGE_ROOT_URL).href;
    expect(toModuleRef(url)).toEqual({ pkg: 'src/research/signal-task.ts' });
    expect(resolveModuleRef({ pkg: 'src/research/signal-task.ts' }, 'file:///elsewhere/alphalab/')).toBe(
      'file:///elsewhere/alphalab/src/research/signal-task.ts',
    );
    expect(toModuleRef('file:///opt/user/families.ts')).toEqual({ url: 'file:///opt/user/families.ts' });
    expect(() => resolveModuleRef({ pkg: '../etc/x.ts' })).toThrow(InvalidInputError);
    expect(() => resolveModuleRef({ url: 'https://evil/x.js' })).toThrow(InvalidInputError);
  });
});

describe('child node flags', () => {
  it('drop eval and inspector flags so a forked child runs only the BullMQ entry', async () => {
    const { childExecArgv } = await import('../../src/compute/bullmq/worker.ts');
    expect(
      childExecArgv(['--import', 'tsx', '--input-type=module', '-e', 'code()', '--inspect=9229']),
    ).toEqual(['--import', 'tsx']);
    expect(childExecArgv(['--eval', 'x', '--max-old-space-size=4096', '-p', 'y'])).toEqual([
      '--max-old-space-size=4096',
    ]);
    expect(childExecArgv([])).toEqual([]);
  });
});
