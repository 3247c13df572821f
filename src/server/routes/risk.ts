/**
 * Persisted factor risk models (src/risk/persistence) under `<workspace>/artifacts/risk_model/{date}/`: the
 * list, one model (metadata, factor covariance F, premia, diagnostics, factor returns) and the per-ticker
 * exposures B with specific variances D. Every load verifies the files' SHA-256 (IntegrityError → 500).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { NotFoundError } from '../../core/errors.ts';
import { type LoadedRiskModel, loadRiskModel } from '../../risk/persistence/read.ts';
import { route } from '../route.ts';
import { finiteOrNull, isoDate, num, pageOf, pageQuery, paginate } from '../schemas.ts';

const dateParams = z.object({ date: isoDate });

export function riskRoutes(root: string) {
  const cache = new Map<string, Promise<LoadedRiskModel>>();
  const load = (date: string) => {
    let p = cache.get(date);
    if (!p) {
      p = loadRiskModel(root, date);
      cache.set(date, p);
      // A failed load is not cached, so a model written later (or repaired) is found.
      p.catch(() => cache.delete(date));
      if (cache.size > 4) cache.delete(cache.keys().next().value!);
    }
    return p;
  };
  return [
    route({
      method: 'GET',
      url: '/api/risk-models',
      tag: 'risk',
      summary:
        'Persisted risk models, newest as-of date first (from their metadata; files are verified on open)',
      query: pageQuery,
      response: pageOf(
        z.object({
          asOf: z.string(),
          createdAt: z.string().nullable(),
          factors: z.array(z.string()),
          tickers: z.number().int().nullable(),
          validDates: z.number().int().nullable(),
        }),
      ),
      handler: async ({ query }) => {
        const dirs = await readdir(root, { withFileTypes: true }).catch(() => []);
        const items = [];
        for (const d of dirs.filter((x) => x.isDirectory() && isoDate.safeParse(x.name).success)) {
          const meta = await readFile(join(root, d.name, 'metadata.json'), 'utf8')
            .then((t) => JSON.parse(t) as Record<string, unknown>)
            .catch(() => undefined);
          if (!meta) continue;
          const shapes = (meta.shapes ?? {}) as { tickers?: number; validDates?: number };
          items.push({
            asOf: d.name,
            createdAt: typeof meta.createdAt === 'string' ? meta.createdAt : null,
            factors: Array.isArray(meta.factors) ? meta.factors.map(String) : [],
            tickers: typeof shapes.tickers === 'number' ? shapes.tickers : null,
            validDates: typeof shapes.validDates === 'number' ? shapes.validDates : null,
          });
        }
        items.sort((a, b) => b.asOf.localeCompare(a.asOf));
        return paginate(items, query);
      },
    }),
    route({
      method: 'GET',
      url: '/api/risk-models/:date',
      tag: 'risk',
      summary:
        'One risk model: metadata, factor covariance F (K×K row-major), premia, diagnostics, factor returns',
      params: dateParams,
      response: z.object({
        asOf: z.string(),
        metadata: z.record(z.string(), z.unknown()),
        factors: z.array(z.string()),
        F: z.array(num),
        factorReturns: z.object({ dates: z.array(z.string()), values: z.array(z.array(num)) }),
      }),
      handler: async ({ params }) => {
        const m = await load(params.date);
        const K = m.factors.length;
        const T = m.factorReturnDates.length;
        const { files: _files, ...metadata } = m.metadata;
        return {
          asOf: m.asOf,
          metadata: metadata as unknown as Record<string, unknown>,
          factors: [...m.factors],
          F: Array.from(m.F, finiteOrNull),
          factorReturns: {
            dates: [...m.factorReturnDates],
            values: m.factors.map((_, k) =>
              Array.from({ length: T }, (_, t) => finiteOrNull(m.factorReturns[t * K + k]!)),
            ),
          },
        };
      },
    }),
    route({
      method: 'GET',
      url: '/api/risk-models/:date/exposures',
      tag: 'risk',
      summary: 'Per-ticker factor exposures B, specific variance D and its observation count',
      params: dateParams,
      query: pageQuery.extend({ ticker: z.string().min(1).optional() }),
      response: pageOf(
        z.object({
          ticker: z.string(),
          exposures: z.record(z.string(), num),
          specificVariance: num,
          observations: z.number().int(),
        }),
      ),
      handler: async ({ params, query }) => {
        const m = await load(params.date);
        const K = m.factors.length;
        let idx = m.tickers.map((_, i) => i);
        if (query.ticker !== undefined) {
          idx = idx.filter((i) => m.tickers[i] === query.ticker);
          if (!idx.length)
            throw new NotFoundError(`risk model ${params.date} has no ticker ${query.ticker}`, {
              where: { ticker: query.ticker },
            });
        }
        const page = paginate(idx, query);
        return {
          ...page,
          items: page.items.map((i) => ({
            ticker: m.tickers[i]!,
            exposures: Object.fromEntries(m.factors.map((f, k) => [f, finiteOrNull(m.B[i * K + k]!)])),
            specificVariance: finiteOrNull(m.D[i]!),
            observations: m.specificObs[i]!,
          })),
        };
      },
    }),
  ];
}
