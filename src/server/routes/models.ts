/**
 * The model registry over HTTP (seeds 003/004): models, versions, metrics by dataset type, artifacts,
 * training runs, stage history, feature importance; promote and rollback behind the bearer token.
 */
import { z } from 'zod';
import type { Store } from '../../store/open-store.ts';
import { DATASET_TYPES } from '../../store/registry/types.ts';
import { route } from '../route.ts';
import { finiteOrNull, isoOrNull, num, pageOf, pageQuery, paginate, safeName } from '../schemas.ts';
import { modelFeatureImportance } from '../sources/importance.ts';

const nameParams = z.object({ name: safeName.describe('model name') });
const versionParams = nameParams.extend({ version: z.coerce.number().int().min(1) });

const modelSchema = z.object({
  modelId: z.string(),
  name: z.string(),
  version: z.number().int(),
  strategyType: z.string().nullable(),
  description: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
});
const stageEvent = z.object({
  seq: z.number().int(),
  name: z.string(),
  version: z.number().int().nullable(),
  action: z.enum(['promote', 'rollback', 'deactivate']),
  changedAt: z.string(),
  changedBy: z.string(),
  reason: z.string().nullable(),
});
const importanceRow = z.object({
  feature: z.string(),
  weight: z.number(),
  gain: num,
  totalGain: z.number(),
  cover: num,
  totalCover: z.number(),
  gainShare: num,
});

type ModelLike = {
  modelId: string;
  name: string;
  version: number;
  strategyType: string | null;
  description: string | null;
  createdAt: number;
  createdBy: string | null;
};
const model = (m: ModelLike) => ({
  modelId: m.modelId,
  name: m.name,
  version: m.version,
  strategyType: m.strategyType,
  description: m.description,
  createdAt: new Date(m.createdAt).toISOString(),
  createdBy: m.createdBy,
});
const event = (e: {
  seq: number;
  name: string;
  version: number | null;
  action: 'promote' | 'rollback' | 'deactivate';
  changedAt: number;
  changedBy: string;
  reason: string | null;
}) => ({ ...e, changedAt: new Date(e.changedAt).toISOString() });

const stageBody = z.object({
  by: z.string().min(1).max(200).optional().describe('who makes the change (default: api)'),
  reason: z.string().max(2000).optional(),
});

export function modelRoutes(store: Store) {
  const reg = store.registry;
  return [
    route({
      method: 'GET',
      url: '/api/models',
      tag: 'models',
      summary: 'Registered models: newest version and the active version of each name',
      query: pageQuery,
      response: pageOf(
        modelSchema.extend({ activeVersion: z.number().int().nullable(), versions: z.number().int() }),
      ),
      handler: async ({ query }) => {
        const list = await reg.listModels();
        const page = paginate(list, query);
        const items = [];
        for (const m of page.items) {
          const active = await reg.getActive(m.name);
          items.push({ ...model(m), activeVersion: active?.version ?? null, versions: m.version });
        }
        return { ...page, items };
      },
    }),
    route({
      method: 'GET',
      url: '/api/models/:name/versions',
      tag: 'models',
      summary: 'Every version of a model, oldest first, with the active flag',
      params: nameParams,
      query: pageQuery,
      response: pageOf(modelSchema.extend({ active: z.boolean() })),
      handler: async ({ params, query }) => {
        await reg.requireModel(params.name);
        const versions = await reg.listVersions(params.name);
        return paginate(
          versions.map((v) => ({ ...model(v), active: v.active })),
          query,
        );
      },
    }),
    route({
      method: 'GET',
      url: '/api/models/:name/versions/:version',
      tag: 'models',
      summary:
        'One version: metrics by dataset type (latest value of each), every metric record, artifacts, training runs',
      params: versionParams,
      response: modelSchema.extend({
        active: z.boolean(),
        metricsByDataset: z.record(z.string(), z.record(z.string(), num)),
        metrics: z.array(
          z.object({
            metricName: z.string(),
            value: num,
            datasetType: z.enum(DATASET_TYPES),
            evaluatedAt: z.string(),
          }),
        ),
        artifacts: z.array(
          z.object({
            artifactId: z.string(),
            artifactType: z.string(),
            name: z.string(),
            sha256: z.string(),
            sizeBytes: z.number().int(),
            createdAt: z.string(),
          }),
        ),
        trainingRuns: z.array(
          z.object({
            runId: z.string(),
            status: z.enum(['running', 'completed', 'failed']),
            params: z.unknown(),
            datasetStart: z.string().nullable(),
            datasetEnd: z.string().nullable(),
            dataFingerprint: z.string().nullable(),
            codeVersion: z.string().nullable(),
            startedAt: z.string(),
            finishedAt: z.string().nullable(),
            error: z.string().nullable(),
          }),
        ),
      }),
      handler: async ({ params }) => {
        const m = await reg.requireModel(params.name, params.version);
        const active = await reg.getActive(params.name);
        const metrics = await reg.getMetrics(m.modelId);
        const byDataset: Record<string, Record<string, number | null>> = {};
        // Records are in logging order, so the last one of a (dataset, metric) is its latest value.
        for (const r of metrics) (byDataset[r.datasetType] ??= {})[r.metricName] = finiteOrNull(r.value);
        return {
          ...model(m),
          active: active?.version === m.version,
          metricsByDataset: byDataset,
          metrics: metrics.map((r) => ({
            metricName: r.metricName,
            value: finiteOrNull(r.value),
            datasetType: r.datasetType,
            evaluatedAt: new Date(r.evaluatedAt).toISOString(),
          })),
          artifacts: (await reg.listArtifacts(m.modelId)).map((a) => ({
            artifactId: a.artifactId,
            artifactType: a.artifactType,
            name: a.name,
            sha256: a.sha256,
            sizeBytes: a.sizeBytes,
            createdAt: new Date(a.createdAt).toISOString(),
          })),
          trainingRuns: (await reg.getTrainingRuns(m.modelId)).map((r) => ({
            runId: r.runId,
            status: r.status,
            params: r.params,
            datasetStart: isoOrNull(r.datasetStart),
            datasetEnd: isoOrNull(r.datasetEnd),
            dataFingerprint: r.dataFingerprint,
            codeVersion: r.codeVersion,
            startedAt: new Date(r.startedAt).toISOString(),
            finishedAt: isoOrNull(r.finishedAt),
            error: r.error,
          })),
        };
      },
    }),
    route({
      method: 'GET',
      url: '/api/models/:name/history',
      tag: 'models',
      summary: 'Append-only stage history (promotions, rollbacks, deactivations), newest first',
      params: nameParams,
      query: pageQuery,
      response: pageOf(stageEvent),
      handler: async ({ params, query }) => {
        await reg.requireModel(params.name);
        const h = (await reg.history(params.name)).map(event).reverse();
        return paginate(h, query);
      },
    }),
    route({
      method: 'GET',
      url: '/api/models/:name/importance',
      tag: 'models',
      summary:
        'Feature importance (weight, gain, cover) of a version — default the active one, else the newest',
      params: nameParams,
      query: z.object({
        version: z.coerce.number().int().min(1).optional(),
        sort: z.enum(['gain', 'totalGain', 'weight', 'cover', 'totalCover']).default('totalGain'),
      }),
      response: z.object({
        name: z.string(),
        version: z.number().int(),
        sort: z.string(),
        features: z.array(importanceRow),
      }),
      handler: async ({ params, query }) => {
        const m =
          query.version !== undefined
            ? await reg.requireModel(params.name, query.version)
            : ((await reg.getActive(params.name)) ?? (await reg.requireModel(params.name)));
        const rows = await modelFeatureImportance(reg, m);
        const key = query.sort;
        // Descending; features never split on (NaN mean gain/cover) go last.
        rows.sort((a, b) => {
          const x = a[key];
          const y = b[key];
          if (Number.isNaN(x) || Number.isNaN(y)) return Number(Number.isNaN(x)) - Number(Number.isNaN(y));
          return y - x || a.feature.localeCompare(b.feature);
        });
        return {
          name: m.name,
          version: m.version,
          sort: key,
          features: rows.map((r) => ({
            ...r,
            gain: finiteOrNull(r.gain),
            cover: finiteOrNull(r.cover),
            gainShare: finiteOrNull(r.gainShare),
          })),
        };
      },
    }),
    route({
      method: 'POST',
      url: '/api/models/:name/promote',
      tag: 'models',
      summary: 'Make a version the active one (bearer token required)',
      params: nameParams,
      auth: true,
      body: stageBody.extend({ version: z.number().int().min(1) }),
      response: stageEvent,
      handler: async ({ params, body }) =>
        event(
          await reg.promote(params.name, body.version, {
            by: body.by ?? 'api',
            ...(body.reason === undefined ? {} : { reason: body.reason }),
          }),
        ),
    }),
    route({
      method: 'POST',
      url: '/api/models/:name/rollback',
      tag: 'models',
      summary: 'Re-activate the previously active version, or `toVersion` (bearer token required)',
      params: nameParams,
      auth: true,
      body: stageBody.extend({ toVersion: z.number().int().min(1).optional() }),
      response: stageEvent,
      handler: async ({ params, body }) => {
        await reg.requireModel(params.name);
        return event(
          await reg.rollback(params.name, {
            by: body.by ?? 'api',
            ...(body.reason === undefined ? {} : { reason: body.reason }),
            ...(body.toVersion === undefined ? {} : { toVersion: body.toVersion }),
          }),
        );
      },
    }),
  ];
}
