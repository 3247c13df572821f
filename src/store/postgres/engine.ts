/**
 * PostgreSQL engine: a connection pool (pg) for multi-process use. Transactions run on one pooled client
 * each; `schema` (optional) puts every table in its own schema through search_path, which the tests use
 * to give each run a fresh namespace.
 */
import pg from 'pg';
import { UnavailableError } from '../../core/errors.ts';
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
import { loadFeatureEventsPostgres } from './bulk.ts';
import { postgresDialect, quoteIdent } from './dialect.ts';
import { postgresMigrationHooks } from './migrations.ts';
import { pointInTimePostgres } from './pit.ts';

const INT8 = 20;
const NUMERIC = 1700;

/** BIGINT and NUMERIC arrive as JS numbers (counts and ids here stay far below 2^53). */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
};

function normalise(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  return JSON.stringify(v);
}

function normaliseRows<R extends SqlRow>(rows: Record<string, unknown>[]): R[] {
  return rows.map((r) => {
    const out: SqlRow = {};
    for (const [k, v] of Object.entries(r)) out[k] = normalise(v);
    return out as R;
  });
}

class PgSession implements SqlSession {
  constructor(readonly client: pg.PoolClient) {}
  async query<R extends SqlRow = SqlRow>(sql: string, params?: readonly SqlParam[]): Promise<R[]> {
    const res = await this.client.query(sql, params ? [...params] : undefined);
    return normaliseRows<R>(res.rows);
  }
  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }
}

/** The URL with any password replaced, for messages and `location`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

export class PostgresEngine implements StoreEngine {
  readonly dialect = postgresDialect;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    readonly location: string,
    private partitioned: boolean,
  ) {}

  async query<R extends SqlRow = SqlRow>(sql: string, params?: readonly SqlParam[]): Promise<R[]> {
    const res = await this.pool.query(sql, params ? [...params] : undefined);
    return normaliseRows<R>(res.rows);
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      try {
        const out = await fn(new PgSession(client));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    } finally {
      client.release();
    }
  }

  loadFeatureEvents(tx: SqlSession, batch: EncodedFeatureBatch): Promise<LoadFeatureResult> {
    if (!(tx instanceof PgSession))
      throw new TypeError('loadFeatureEvents needs a transaction of this engine');
    return loadFeatureEventsPostgres(tx.client, batch, this.partitioned);
  }

  async pointInTime(query: EncodedPitQuery): Promise<PitColumns> {
    const client = await this.pool.connect();
    try {
      return await pointInTimePostgres(client, query);
    } finally {
      client.release();
    }
  }

  /**
   * The current transaction snapshot (xmin:xmax:in-progress ids): identical snapshots see the same
   * committed data, and every commit or abort anywhere in the cluster changes it, whichever process made
   * it. Read-only transactions get no id, so readers leave it unchanged.
   */
  async dataVersion(): Promise<string> {
    // Named: each pooled connection parses and plans it once.
    const res = await this.pool.query({
      name: 'alphalab_data_version',
      text: 'SELECT txid_current_snapshot()::text AS s',
    });
    return String(res.rows[0].s);
  }

  /** Re-reads whether feature_events is natively partitioned (false for a TimescaleDB hypertable). */
  async refreshLayout(): Promise<void> {
    const rows = await this.query<{ relkind: string }>(
      `SELECT c.relkind FROM pg_class c WHERE c.oid = to_regclass('feature_events')`,
    );
    this.partitioned = rows[0]?.relkind === 'p';
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

export interface PostgresOptions {
  /** Schema to create (if missing) and use for every table. */
  readonly schema?: string;
  readonly maxConnections?: number;
}

/** Connects, checks the server answers, and migrates. Unreachable servers are UnavailableError. */
export async function openPostgresEngine(
  url: string,
  options: PostgresOptions = {},
): Promise<PostgresEngine> {
  const location = redactUrl(url) + (options.schema ? ` (schema ${options.schema})` : '');
  if (options.schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(options.schema)) {
    throw new UnavailableError(`schema name '${options.schema}' must be a plain identifier`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 4,
    types,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  pool.on('error', () => undefined);
  try {
    if (options.schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(options.schema)}`);
    const ext = await pool.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`);
    const timescale = (ext.rowCount ?? 0) > 0;
    const engine = new PostgresEngine(pool, location, !timescale);
    await migrate(engine, postgresMigrationHooks(timescale));
    await engine.refreshLayout();
    return engine;
  } catch (cause) {
    await pool.end().catch(() => undefined);
    if (cause instanceof Error && 'code' in cause && typeof (cause as { code: unknown }).code === 'string') {
      const code = (cause as { code: string }).code;
      if (/^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|28|3D)/.test(code)) {
        throw new UnavailableError(`cannot reach PostgreSQL at ${location}: ${cause.message}`, { cause });
      }
    }
    throw cause;
  }
}
