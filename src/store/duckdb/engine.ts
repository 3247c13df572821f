/**
 * DuckDB engine: one embedded database file in the workspace (`.alphalab/alphalab.duckdb` by default).
 * A DuckDB file admits one writing process; a second process gets a ConflictError that names the file
 * and points to PostgreSQL. Within the process, statements are serialised through one connection so a
 * transaction never interleaves with other work.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ConflictError, UnavailableError } from '../../core/errors.ts';
import type {
  EncodedFeatureBatch,
  EncodedPitQuery,
  LoadFeatureResult,
  PitColumns,
  SqlParam,
  SqlRow,
  SqlSession,
  StoreEngine,
} from '../engine.ts';
import { migrate } from '../migrate.ts';
import { loadFeatureEventsDuckDb } from './bulk.ts';
import { duckdbDialect } from './dialect.ts';
import { duckdbMigrationHooks } from './migrations.ts';
import { pointInTimeDuckDb } from './pit.ts';

function normalise(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

async function runQuery<R extends SqlRow>(
  conn: DuckDBConnection,
  sql: string,
  params?: readonly SqlParam[],
): Promise<R[]> {
  const reader = await conn.runAndReadAll(sql, params?.length ? [...params] : undefined);
  const rows = reader.getRowObjectsJS();
  return rows.map((r) => {
    const out: SqlRow = {};
    for (const [k, v] of Object.entries(r)) out[k] = normalise(v);
    return out as R;
  });
}

class DuckDbSession implements SqlSession {
  constructor(readonly conn: DuckDBConnection) {}
  query<R extends SqlRow = SqlRow>(sql: string, params?: readonly SqlParam[]): Promise<R[]> {
    return runQuery<R>(this.conn, sql, params);
  }
  async exec(sql: string): Promise<void> {
    await this.conn.run(sql);
  }
}

/** Statements that cannot change data (anything else counts as a write for dataVersion). */
const READ_ONLY = /^\s*SELECT\b/i;

export class DuckDbEngine implements StoreEngine {
  readonly dialect = duckdbDialect;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Statements and transactions that may have written, counted once they finished (dataVersion). */
  private writes = 0;
  private readonly session: DuckDbSession;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    readonly location: string,
  ) {
    this.session = new DuckDbSession(conn);
  }

  /** Runs `fn` after every earlier call on this engine has finished. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed)
      return Promise.reject(new UnavailableError(`the DuckDB store ${this.location} is closed`));
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }

  query<R extends SqlRow = SqlRow>(sql: string, params?: readonly SqlParam[]): Promise<R[]> {
    if (READ_ONLY.test(sql)) return this.serial(() => this.session.query<R>(sql, params));
    return this.serial(() => this.counted(this.session.query<R>(sql, params)));
  }

  exec(sql: string): Promise<void> {
    return this.serial(() => this.counted(this.session.exec(sql)));
  }

  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.serial(() =>
      this.counted(
        (async () => {
          await this.conn.run('BEGIN TRANSACTION');
          try {
            const out = await fn(this.session);
            await this.conn.run('COMMIT');
            return out;
          } catch (e) {
            await this.conn.run('ROLLBACK').catch(() => undefined);
            throw e;
          }
        })(),
      ),
    );
  }

  /**
   * The count of finished writes. Every statement runs serially on this engine's connection and the count
   * moves when a write has finished (committed or not), before its caller sees the result, so a reader
   * that saw the same count twice saw no write in between.
   */
  dataVersion(): Promise<string> {
    return Promise.resolve(String(this.writes));
  }

  /** Counts `work` as a write once it has finished, whether it succeeded or not. */
  private async counted<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } finally {
      this.writes++;
    }
  }

  loadFeatureEvents(tx: SqlSession, batch: EncodedFeatureBatch): Promise<LoadFeatureResult> {
    if (tx !== this.session) throw new TypeError('loadFeatureEvents needs a transaction of this engine');
    return loadFeatureEventsDuckDb(this.conn, batch);
  }

  pointInTime(query: EncodedPitQuery): Promise<PitColumns> {
    return this.serial(() => pointInTimeDuckDb(this.conn, query));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.tail;
    this.closed = true;
    try {
      this.conn.closeSync();
    } finally {
      this.instance.closeSync();
    }
  }
}

function isLockError(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : String(e);
  return /could not set lock|conflicting lock|lock on file/i.test(msg);
}

/** Opens (creating if needed) the DuckDB file, or an in-memory database for ':memory:', and migrates it. */
export async function openDuckDbEngine(file: string): Promise<DuckDbEngine> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(file);
  } catch (cause) {
    if (isLockError(cause)) {
      throw new ConflictError(
        `the DuckDB store is held by another process (${(cause as Error).message.split('\n')[0]}); a DuckDB file admits one writing process — stop the other process, or use PostgreSQL (ALPHALAB_DB_URL or --db postgres://…) for multi-process use`,
        { where: { file }, cause },
      );
    }
    throw new UnavailableError(`cannot open the DuckDB store: ${(cause as Error).message}`, {
      where: { file },
      cause,
    });
  }
  let conn: DuckDBConnection | undefined;
  try {
    conn = await instance.connect();
    const engine = new DuckDbEngine(instance, conn, file);
    await migrate(engine, duckdbMigrationHooks);
    return engine;
  } catch (e) {
    try {
      conn?.closeSync();
    } finally {
      instance.closeSync();
    }
    throw e;
  }
}
