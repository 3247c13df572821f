/**
 * Dictionaries behind feature_events: feature definitions (name, version → feature_id) and entity keys
 * (→ entity_id). Integer ids keep the event table narrow and its joins fast. Ids learnt inside a
 * transaction are cached only after it commits, so a rolled-back batch leaves no stale ids behind.
 */
import { InvalidInputError, NotFoundError } from '../../core/errors.ts';
import type { SqlSession, StoreEngine } from '../engine.ts';
import type { FeatureDef, FeatureSpec } from './types.ts';

const IN_LIST_CHUNK = 500;

interface DefRow extends Record<string, string | number | boolean | null> {
  feature_id: number;
  feature_name: string;
  feature_version: number;
  value_type: string;
  allow_early_ingest: boolean;
  description: string | null;
}

function toDef(r: DefRow): FeatureDef {
  return {
    id: Number(r.feature_id),
    name: r.feature_name,
    version: Number(r.feature_version),
    valueType: r.value_type === 'json' ? 'json' : 'double',
    allowEarlyIngest: Boolean(r.allow_early_ingest),
    description: r.description,
  };
}

export interface DefineFeatureOptions {
  readonly version?: number;
  readonly valueType?: 'double' | 'json';
  readonly allowEarlyIngest?: boolean;
  readonly description?: string;
}

export class FeatureCatalog {
  private defs: FeatureDef[] | null = null;
  private readonly entityIds = new Map<string, number>();

  constructor(private readonly engine: StoreEngine) {}

  async list(): Promise<FeatureDef[]> {
    const rows = await this.engine.query<DefRow>(
      'SELECT feature_id, feature_name, feature_version, value_type, allow_early_ingest, description FROM feature_defs ORDER BY feature_name, feature_version',
    );
    this.defs = rows.map(toDef);
    return this.defs;
  }

  /** Registers (name, version); re-defining it identically is a no-op, differently an InvalidInputError. */
  async define(name: string, options: DefineFeatureOptions = {}): Promise<FeatureDef> {
    const version = options.version ?? 1;
    if (!/^[A-Za-z_][A-Za-z0-9_.:-]*$/.test(name)) {
      throw new InvalidInputError(
        `feature name '${name}' must start with a letter or _ and use letters, digits, _ . : -`,
        {
          where: { field: name },
        },
      );
    }
    if (!Number.isInteger(version) || version < 1) {
      throw new InvalidInputError(`feature version must be an integer ≥ 1, got ${version}`, {
        where: { field: name },
      });
    }
    const valueType = options.valueType ?? 'double';
    const allowEarly = options.allowEarlyIngest ?? false;
    await this.engine.query(
      `INSERT INTO feature_defs (feature_name, feature_version, value_type, allow_early_ingest, description, created_at)
       VALUES ($1, $2, $3, $4, $5, CAST($6 AS TIMESTAMPTZ)) ON CONFLICT (feature_name, feature_version) DO NOTHING`,
      [name, version, valueType, allowEarly, options.description ?? null, new Date().toISOString()],
    );
    const def = (await this.list()).find((d) => d.name === name && d.version === version)!;
    if (def.valueType !== valueType || def.allowEarlyIngest !== allowEarly) {
      throw new InvalidInputError(
        `feature '${name}' version ${version} is already defined as ${def.valueType}${def.allowEarlyIngest ? ' with early ingest' : ''}; define a new version to change it`,
        { where: { field: name } },
      );
    }
    return def;
  }

  /** Resolves a spec to its definition; unknown names or versions are InvalidInputError. */
  async resolve(spec: FeatureSpec, defaultVersion?: number): Promise<FeatureDef> {
    const name = typeof spec === 'string' ? spec : spec.name;
    const version = (typeof spec === 'string' ? undefined : spec.version) ?? defaultVersion;
    const find = (defs: FeatureDef[]) => {
      const named = defs.filter((d) => d.name === name);
      if (version === undefined) return named.length ? named[named.length - 1] : undefined;
      return named.find((d) => d.version === version);
    };
    let def = this.defs ? find(this.defs) : undefined;
    if (!def) def = find(await this.list());
    if (!def) {
      const known = (this.defs ?? []).filter((d) => d.name === name).map((d) => d.version);
      const what = known.length
        ? `feature '${name}' has no version ${version}; defined versions: ${known.join(', ')}`
        : `feature '${name}' is not defined; define it first (features define ${name})`;
      throw new InvalidInputError(what, { where: { field: name } });
    }
    return def;
  }

  async resolveAll(specs: readonly FeatureSpec[], defaultVersion?: number): Promise<FeatureDef[]> {
    const out: FeatureDef[] = [];
    for (const s of specs) out.push(await this.resolve(s, defaultVersion));
    const seen = new Set<number>();
    for (const d of out) {
      if (seen.has(d.id))
        throw new InvalidInputError(`feature '${d.name}' version ${d.version} is requested twice`);
      seen.add(d.id);
    }
    return out;
  }

  async byId(id: number): Promise<FeatureDef> {
    const def = this.defs?.find((d) => d.id === id) ?? (await this.list()).find((d) => d.id === id);
    if (!def) throw new NotFoundError(`feature id ${id} is not defined`);
    return def;
  }

  /**
   * Entity ids for `keys` inside transaction `tx`, inserting unknown keys. Returns the ids and a commit
   * hook that publishes newly learnt ids to the cache.
   */
  async ensureEntities(
    tx: SqlSession,
    keys: readonly string[],
  ): Promise<{ ids: Int32Array; commit: () => void }> {
    const learnt = new Map<string, number>();
    const missing = [...new Set(keys.filter((k) => !this.entityIds.has(k)))];
    for (let i = 0; i < missing.length; i += IN_LIST_CHUNK) {
      const part = missing.slice(i, i + IN_LIST_CHUNK);
      const ph = part.map((_, j) => `($${j + 1})`).join(', ');
      await tx.query(
        `INSERT INTO entities (entity_key) VALUES ${ph} ON CONFLICT (entity_key) DO NOTHING`,
        part,
      );
      const inList = part.map((_, j) => `$${j + 1}`).join(', ');
      const rows = await tx.query<{ entity_id: number; entity_key: string }>(
        `SELECT entity_id, entity_key FROM entities WHERE entity_key IN (${inList})`,
        part,
      );
      for (const r of rows) learnt.set(r.entity_key, Number(r.entity_id));
    }
    const ids = Int32Array.from(keys, (k) => this.entityIds.get(k) ?? learnt.get(k)!);
    return { ids, commit: () => learnt.forEach((v, k) => this.entityIds.set(k, v)) };
  }

  /** Entity ids for reading: -1 for keys the store has never seen. */
  async lookupEntities(keys: readonly string[]): Promise<Int32Array> {
    const missing = [...new Set(keys.filter((k) => !this.entityIds.has(k)))];
    for (let i = 0; i < missing.length; i += IN_LIST_CHUNK) {
      const part = missing.slice(i, i + IN_LIST_CHUNK);
      const rows = await this.engine.query<{ entity_id: number; entity_key: string }>(
        `SELECT entity_id, entity_key FROM entities WHERE entity_key IN (${part.map((_, j) => `$${j + 1}`).join(', ')})`,
        part,
      );
      for (const r of rows) this.entityIds.set(r.entity_key, Number(r.entity_id));
    }
    return Int32Array.from(keys, (k) => this.entityIds.get(k) ?? -1);
  }
}
