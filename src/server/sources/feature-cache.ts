/**
 * The feature reads of the hot endpoints (latest values, one entity's point-in-time cells) answered from
 * memory: the whole event history of an entity is read once — every (feature, event_time, ingest_time,
 * value) row, sorted — and any as-of is then a binary search under the PIT rule of methods.md §10 (the
 * visible record has event_time ≤ as_of and ingest_time ≤ as_of, the largest event_time, ties to the largest
 * ingest_time), the same rule the store's SQL applies.
 *
 * Correctness first: everything cached belongs to one `engine.dataVersion()` token, read before each
 * request. When the token differs, the cache is dropped before answering, so a write — by this process or,
 * on PostgreSQL, any other — is visible on the next request. Engines without a token are not cached.
 *
 * Bounded: at most `maxRows` cached rows (least recently used entities go first); an entity with more than
 * `maxRowsPerEntity` rows is read through the store's own queries instead.
 */

import { latestVersions, pitCell } from '../../store/features/feature-store.ts';
import type { FeatureDef, FeatureSpec, FeatureValue, JsonValue } from '../../store/features/types.ts';
import type { Store } from '../../store/open-store.ts';

export interface FeatureCacheLimits {
  /** Rows kept over all entities; default 2 000 000 (≈ 50 MB). */
  readonly maxRows?: number;
  /** Entities with more rows are not cached; default 100 000. */
  readonly maxRowsPerEntity?: number;
}

/** One feature's records of one entity, sorted by (event time, ingest time). */
interface Series {
  readonly eventMs: Float64Array;
  readonly ingestMs: Float64Array;
  /** Double features: the value (NaN for NULL). */
  readonly value: Float64Array;
  /** The parsed JSON values (null where NULL), when any record of the series has one. */
  readonly json: JsonValue[] | null;
}

/** An entity's history by feature id; `unknown` when the store has never seen the entity. */
type History = { readonly rows: number; readonly series: Map<number, Series> } | 'unknown' | 'too-large';

const EMPTY = new Map<number, Series>();

/**
 * Rows an entry counts for in the bound: its rows, and at least one, so that names the store does not know
 * (any string a client sends) cannot pile up unbounded.
 */
const weight = (h: History) => (typeof h === 'string' ? 1 : Math.max(1, h.rows));

/**
 * Index of the record visible at `asOfMs` in `s`, or −1. The store compares timestamps with the as-of
 * rendered as ISO text (whole milliseconds), hence the truncation.
 */
export function visibleIndex(s: Pick<Series, 'eventMs' | 'ingestMs'>, asOfMs: number): number {
  const asOf = Math.trunc(asOfMs);
  let lo = 0;
  let hi = s.eventMs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.eventMs[mid]! <= asOf) lo = mid + 1;
    else hi = mid;
  }
  // Records at or before the as-of in event time, newest first (ties: newest ingest first): the first one
  // already ingested at the as-of is the visible one.
  for (let k = lo - 1; k >= 0; k--) if (s.ingestMs[k]! <= asOf) return k;
  return -1;
}

export class FeatureReadCache {
  private readonly maxRows: number;
  private readonly maxRowsPerEntity: number;
  private version: string | null = null;
  private defs: Promise<FeatureDef[]> | null = null;
  /** Entity key → history, in least-recently-used order (Map iteration order). */
  private readonly histories = new Map<string, History>();
  private readonly loading = new Map<string, Promise<History>>();
  private rows = 0;

  constructor(
    private readonly store: Store,
    limits: FeatureCacheLimits = {},
  ) {
    this.maxRows = limits.maxRows ?? 2_000_000;
    this.maxRowsPerEntity = limits.maxRowsPerEntity ?? 100_000;
  }

  /** Whether reads are cached at all (the engine offers a data version). */
  get enabled(): boolean {
    return typeof this.store.engine.dataVersion === 'function';
  }

  /** Rows held now, an entity without rows counting as one (tests and diagnostics). */
  get cachedRows(): number {
    return this.rows;
  }

  /**
   * The latest visible value of each feature of `entity` at `asOfMs`, in the order of the features (all
   * defined ones, newest version or `version`, when `features` is undefined); invisible features are absent.
   * Same answers as FeatureStore.getLatest.
   */
  async latest(
    entity: string,
    features: readonly FeatureSpec[] | undefined,
    asOfMs: number,
    version?: number,
  ): Promise<FeatureValue[]> {
    const token = await this.sync();
    const defs = await this.resolve(features, version);
    const history = await this.history(entity, token);
    if (history === 'too-large') {
      const m = await this.store.features.getLatest(entity, defs, { asOf: asOfMs });
      return defs.flatMap((d) => m.get(d.name) ?? []);
    }
    const out: FeatureValue[] = [];
    for (const d of defs) {
      const cell = this.cell(history, entity, d, asOfMs);
      if (cell) out.push(cell);
    }
    return out;
  }

  /**
   * One cell per feature for (entity, asOfMs): the visible value or null. Same answers as
   * FeatureStore.getPointInTime for a single request.
   */
  async pointInTime(
    entity: string,
    features: readonly FeatureSpec[],
    asOfMs: number,
  ): Promise<{ defs: FeatureDef[]; cells: (FeatureValue | null)[] }> {
    const token = await this.sync();
    const defs = await this.resolve(features, undefined);
    const history = await this.history(entity, token);
    if (history === 'too-large') {
      const res = await this.store.features.getPointInTime([{ entity, asOf: asOfMs }], defs);
      return { defs, cells: defs.map((_, f) => pitCell(res, entity, 0, f)) };
    }
    return { defs, cells: defs.map((d) => this.cell(history, entity, d, asOfMs)) };
  }

  private cell(
    history: Exclude<History, 'too-large'>,
    entity: string,
    def: FeatureDef,
    asOfMs: number,
  ): FeatureValue | null {
    const s = (history === 'unknown' ? EMPTY : history.series).get(def.id);
    if (!s) return null;
    const k = visibleIndex(s, asOfMs);
    if (k < 0) return null;
    return {
      entity,
      feature: def.name,
      version: def.version,
      eventTimeMs: s.eventMs[k]!,
      ingestTimeMs: s.ingestMs[k]!,
      value: def.valueType === 'json' ? (s.json?.[k] ?? null) : s.value[k]!,
    };
  }

  /** Reads the data version; drops everything cached when it changed. Returns the token. */
  private async sync(): Promise<string> {
    const token = await this.store.engine.dataVersion!();
    if (token !== this.version) {
      this.version = token;
      this.defs = null;
      this.histories.clear();
      this.rows = 0;
    }
    return token;
  }

  /** Definitions as the store resolves them, from a catalog list read once per data version. */
  private async resolve(features: readonly FeatureSpec[] | undefined, version: number | undefined) {
    const catalog = this.store.features.catalog;
    if (!this.defs) {
      const listing = catalog.list();
      this.defs = listing;
      listing.catch(() => {
        if (this.defs === listing) this.defs = null;
      });
    }
    const all = await this.defs;
    return features ? catalog.resolveAll(features, version) : latestVersions(all, version);
  }

  private async history(entity: string, token: string): Promise<History> {
    const hit = this.histories.get(entity);
    if (hit !== undefined) {
      // Most recently used goes last.
      this.histories.delete(entity);
      this.histories.set(entity, hit);
      return hit;
    }
    const key = `${token}\u0000${entity}`;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.load(entity).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    const h = await pending;
    // Kept only if no write happened meanwhile (else it may predate the new token).
    if (this.version === token && !this.histories.has(entity)) this.keep(entity, h);
    return h;
  }

  private keep(entity: string, h: History): void {
    const n = weight(h);
    this.histories.set(entity, h);
    this.rows += n;
    for (const [e, old] of this.histories) {
      if (this.rows <= this.maxRows) break;
      if (e === entity) continue;
      this.histories.delete(e);
      this.rows -= weight(old);
    }
  }

  private async load(entity: string): Promise<History> {
    const [entityId] = await this.store.features.catalog.lookupEntities([entity]);
    if (entityId! < 0) return 'unknown';
    const d = this.store.engine.dialect;
    const rows = await this.store.engine.query<{
      feature_id: number;
      value: number | null;
      value_json: string | null;
      et: number;
      it: number;
    }>(
      `SELECT feature_id, value, ${d.jsonText('value_json')} AS value_json, ${d.msOf('event_time')} AS et, ${d.msOf('ingest_time')} AS it
       FROM feature_events WHERE entity_id = $1
       ORDER BY feature_id, event_time, ingest_time LIMIT ${this.maxRowsPerEntity + 1}`,
      [entityId!],
    );
    if (rows.length > this.maxRowsPerEntity) return 'too-large';
    const series = new Map<number, Series>();
    for (let a = 0; a < rows.length; ) {
      const id = Number(rows[a]!.feature_id);
      let b = a;
      while (b < rows.length && Number(rows[b]!.feature_id) === id) b++;
      const n = b - a;
      let hasJson = false;
      for (let k = a; k < b; k++) hasJson ||= rows[k]!.value_json !== null;
      const s: Series = {
        eventMs: new Float64Array(n),
        ingestMs: new Float64Array(n),
        value: new Float64Array(n),
        json: hasJson ? [] : null,
      };
      for (let k = 0; k < n; k++) {
        const r = rows[a + k]!;
        s.eventMs[k] = Number(r.et);
        s.ingestMs[k] = Number(r.it);
        s.value[k] = r.value === null ? Number.NaN : Number(r.value);
        s.json?.push(r.value_json === null ? null : (JSON.parse(String(r.value_json)) as JsonValue));
      }
      series.set(id, s);
      a = b;
    }
    return { rows: rows.length, series };
  }
}
