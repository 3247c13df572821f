/**
 * Store factories for the conformance suites: DuckDB in memory (always) and PostgreSQL when
 * ALPHALAB_TEST_PG_URL is set, each test in a fresh schema that is dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../../../src/store/open-store.ts';

export interface StoreFactory {
  readonly name: 'duckdb' | 'postgres';
  /** A fresh, empty store; `clock` drives the registry's stage history. */
  open(clock?: () => number): Promise<Store>;
  /** Closes the store and removes what `open` created. */
  dispose(store: Store): Promise<void>;
}

export const pgUrl = process.env.ALPHALAB_TEST_PG_URL;

export function duckdbFactory(): StoreFactory {
  const dirs = new Map<Store, string>();
  return {
    name: 'duckdb',
    async open(clock) {
      const workspace = mkdtempSync(join(tmpdir(), 'alphalab-store-'));
      const store = await openStore({ workspace, dbUrl: ':memory:', ...(clock ? { clock } : {}) });
      dirs.set(store, workspace);
      return store;
    },
    async dispose(store) {
      await store.close();
      rmSync(dirs.get(store)!, { recursive: true, force: true });
    },
  };
}

export function postgresFactory(url: string): StoreFactory {
  const made = new Map<Store, { schema: string; workspace: string }>();
  return {
    name: 'postgres',
    async open(clock) {
      const schema = `alphalab_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      const workspace = mkdtempSync(join(tmpdir(), 'alphalab-store-'));
      const store = await openStore({ workspace, dbUrl: url, pgSchema: schema, ...(clock ? { clock } : {}) });
      made.set(store, { schema, workspace });
      return store;
    },
    async dispose(store) {
      await store.close();
      const { schema, workspace } = made.get(store)!;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` on a fresh store and always disposes of it. */
export async function withStore<T>(
  f: StoreFactory,
  fn: (s: Store) => Promise<T>,
  clock?: () => number,
): Promise<T> {
  const store = await f.open(clock);
  try {
    return await fn(store);
  } finally {
    await f.dispose(store);
  }
}
