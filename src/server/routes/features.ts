/**
 * The feature store over HTTP (methods.md §10, seed 004): definitions, the latest visible values of an entity
 * and point-in-time queries under the bitemporal rule event_time ≤ as_of AND ingest_time ≤ as_of. A missing
 * cell is explicit (value null, times null), never 0.
 */
import { z } from 'zod';
import type { FeatureDef, FeatureSpec, FeatureValue, JsonValue } from '../../store/features/types.ts';
import type { Store } from '../../store/open-store.ts';
import { route } from '../route.ts';
import {
  csvList,
  finiteOrNull,
  instant,
  isoOrNull,
  pageOf,
  pageQuery,
  paginate,
  safeName,
} from '../schemas.ts';
import { FeatureReadCache } from '../sources/feature-cache.ts';

const MAX_PIT_REQUESTS = 10_000;
const MAX_FEATURES = 200;

const jsonValue = z.union([
  z.number(),
  z.string(),
  z.boolean(),
  z.null(),
  z.array(z.unknown()),
  z.record(z.string(), z.unknown()),
]);
const cellSchema = z.object({
  feature: z.string(),
  version: z.number().int(),
  value: jsonValue,
  eventTime: z.string().nullable(),
  ingestTime: z.string().nullable(),
});
const featureSpec = z.union([
  safeName,
  z.object({ name: safeName, version: z.number().int().min(1).optional() }),
]);

function specs(names: readonly string[] | undefined): FeatureSpec[] | undefined {
  return names?.map((n) => {
    const m = /^(.*)@v(\d+)$/.exec(n);
    return m ? { name: m[1]!, version: Number(m[2]) } : n;
  });
}

/** A cell on the wire: NaN (no data) as null, instants as ISO text. */
function wireCell(v: FeatureValue) {
  return {
    feature: v.feature,
    version: v.version,
    value: typeof v.value === 'number' ? finiteOrNull(v.value) : v.value,
    eventTime: isoOrNull(v.eventTimeMs),
    ingestTime: isoOrNull(v.ingestTimeMs),
  };
}

const emptyCell = (d: FeatureDef) => ({
  feature: d.name,
  version: d.version,
  value: null,
  eventTime: null,
  ingestTime: null,
});

/**
 * `cache` answers the single-entity reads from memory, invalidated by the store's data version (see
 * sources/feature-cache.ts); the batch point-in-time query always goes to the store.
 */
export function featureRoutes(store: Store, cache: FeatureReadCache = new FeatureReadCache(store)) {
  const fs = store.features;
  return [
    route({
      method: 'GET',
      url: '/api/features',
      tag: 'features',
      summary: 'Defined features (name, version, value type)',
      query: pageQuery,
      response: pageOf(
        z.object({
          name: z.string(),
          version: z.number().int(),
          valueType: z.enum(['double', 'json']),
          allowEarlyIngest: z.boolean(),
          description: z.string().nullable(),
        }),
      ),
      handler: async ({ query }) => {
        const defs = await fs.listFeatures();
        return paginate(
          defs.map((d) => ({
            name: d.name,
            version: d.version,
            valueType: d.valueType,
            allowEarlyIngest: d.allowEarlyIngest,
            description: d.description,
          })),
          query,
        );
      },
    }),
    route({
      method: 'GET',
      url: '/api/features/latest',
      tag: 'features',
      summary:
        'Latest visible value of each feature of an entity at `asOf` (default now); invisible features are absent',
      query: z.object({
        entity: safeName,
        features: csvList.optional().describe('comma-separated names, `name@v2` for a version; default all'),
        asOf: instant.optional(),
        version: z.coerce.number().int().min(1).optional(),
      }),
      response: z.object({ entity: z.string(), asOf: z.string(), features: z.array(cellSchema) }),
      handler: async ({ query }) => {
        const asOf = query.asOf ?? Date.now();
        const list = specs(query.features);
        const values = cache.enabled
          ? await cache.latest(query.entity, list, asOf, query.version)
          : [
              ...(
                await fs.getLatest(query.entity, list, {
                  asOf,
                  ...(query.version === undefined ? {} : { version: query.version }),
                })
              ).values(),
            ];
        return { entity: query.entity, asOf: new Date(asOf).toISOString(), features: values.map(wireCell) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/features/point-in-time',
      tag: 'features',
      summary:
        'Point-in-time values of features for one (entity, asOf): one cell per feature, null when nothing was visible',
      query: z.object({ entity: safeName, asOf: instant, features: csvList }),
      response: z.object({ entity: z.string(), asOf: z.string(), features: z.array(cellSchema) }),
      handler: async ({ query }) => {
        if (!cache.enabled) {
          const rows = await pit(store, [{ entity: query.entity, asOf: query.asOf }], specs(query.features)!);
          return rows[0]!;
        }
        const { defs, cells } = await cache.pointInTime(query.entity, specs(query.features)!, query.asOf);
        return {
          entity: query.entity,
          asOf: new Date(query.asOf).toISOString(),
          features: cells.map((c, f) => (c ? wireCell(c) : emptyCell(defs[f]!))),
        };
      },
    }),
    route({
      method: 'POST',
      url: '/api/features/point-in-time',
      tag: 'features',
      summary: `Batch point-in-time query (at most ${MAX_PIT_REQUESTS} requests × ${MAX_FEATURES} features); a read, no token needed`,
      body: z.object({
        requests: z
          .array(z.object({ entity: safeName, asOf: instant }))
          .min(1)
          .max(MAX_PIT_REQUESTS),
        features: z.array(featureSpec).min(1).max(MAX_FEATURES),
      }),
      response: z.object({
        rows: z.array(z.object({ entity: z.string(), asOf: z.string(), features: z.array(cellSchema) })),
      }),
      handler: async ({ body }) => ({
        rows: await pit(store, body.requests, body.features as FeatureSpec[]),
      }),
    }),
  ];
}

async function pit(
  store: Store,
  requests: readonly { entity: string; asOf: number }[],
  features: readonly FeatureSpec[],
) {
  const res = await store.features.getPointInTime(requests, features);
  const F = res.features.length;
  return requests.map((q, r) => ({
    entity: q.entity,
    asOf: new Date(q.asOf).toISOString(),
    features: res.features.map((d, f) => {
      const k = r * F + f;
      const v: JsonValue | number = res.json?.[k] ?? res.value[k]!;
      return {
        feature: d.name,
        version: d.version,
        value: typeof v === 'number' && !Number.isFinite(v) ? null : v,
        eventTime: isoOrNull(res.eventTimeMs[k]!),
        ingestTime: isoOrNull(res.ingestTimeMs[k]!),
      };
    }),
  }));
}
