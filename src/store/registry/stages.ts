/**
 * The stage history of model names: an append-only log of promotions, rollbacks and deactivations. The
 * active version of a name at time t is the version named by its last entry with changed_at ≤ t (by
 * sequence), so "one active version per name" holds by construction and "which version was active at t,
 * who changed it and why" is a query, not a reconstruction.
 */
import { ConflictError, InvalidInputError } from '../../core/errors.ts';
import type { SqlRow, SqlSession, StoreEngine } from '../engine.ts';
import type { StageAction, StageChange, StageEvent } from './types.ts';

interface StageRow extends SqlRow {
  seq: number;
  model_name: string;
  version: number | null;
  action: string;
  changed_at: number;
  changed_by: string;
  reason: string | null;
}

function toEvent(r: StageRow): StageEvent {
  return {
    seq: Number(r.seq),
    name: r.model_name,
    version: r.version === null ? null : Number(r.version),
    action: r.action as StageAction,
    changedAt: Number(r.changed_at),
    changedBy: r.changed_by,
    reason: r.reason,
  };
}

export class StageLog {
  constructor(
    private readonly engine: StoreEngine,
    private readonly clock: () => number,
  ) {}

  private select(where: string): string {
    return `SELECT seq, model_name, version, action, ${this.engine.dialect.msOf('changed_at')} AS changed_at, changed_by, reason
            FROM model_stages WHERE ${where}`;
  }

  /** Every change for a name, oldest first. */
  async history(name: string, s: SqlSession = this.engine): Promise<StageEvent[]> {
    const rows = await s.query<StageRow>(`${this.select('model_name = $1')} ORDER BY seq`, [name]);
    return rows.map(toEvent);
  }

  /** The entry in force at `atMs` (default now), or null if the name never had an active version then. */
  async at(
    name: string,
    atMs: number = this.clock(),
    s: SqlSession = this.engine,
  ): Promise<StageEvent | null> {
    if (!Number.isFinite(atMs)) throw new InvalidInputError(`time must be finite, got ${atMs}`);
    const rows = await s.query<StageRow>(
      `${this.select('model_name = $1 AND changed_at <= CAST($2 AS TIMESTAMPTZ)')} ORDER BY seq DESC LIMIT 1`,
      [name, new Date(atMs).toISOString()],
    );
    return rows.length ? toEvent(rows[0]!) : null;
  }

  async append(
    tx: SqlSession,
    name: string,
    version: number | null,
    action: StageAction,
    change: StageChange,
  ): Promise<StageEvent> {
    if (typeof change.by !== 'string' || change.by.length === 0) {
      throw new InvalidInputError(`a stage change names who made it (by)`, { where: { field: name } });
    }
    const rows = await tx.query<{ seq: number }>(
      `INSERT INTO model_stages (model_name, version, action, changed_at, changed_by, reason)
       VALUES ($1, $2, $3, CAST($4 AS TIMESTAMPTZ), $5, $6) RETURNING seq`,
      [name, version, action, new Date(this.clock()).toISOString(), change.by, change.reason ?? null],
    );
    const [ev] = await tx.query<StageRow>(`${this.select('seq = $1')}`, [rows[0]!.seq]);
    return toEvent(ev!);
  }

  /**
   * The version to roll back to: the most recent version, other than the current one, that was active
   * before the current activation. ConflictError when there is none.
   */
  async previousVersion(tx: SqlSession, name: string): Promise<number> {
    const hist = await this.history(name, tx);
    const current = hist.length ? hist[hist.length - 1]!.version : null;
    for (let k = hist.length - 2; k >= 0; k--) {
      const v = hist[k]!.version;
      if (v !== null && v !== current) return v;
    }
    throw new ConflictError(`model '${name}' has no earlier active version to roll back to`, {
      where: { field: name },
    });
  }
}
