/** Research runs: listing, report tables and charts, the HTML tear sheet, IC tables and series, returns. */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InvalidInputError, NotFoundError } from '../../core/errors.ts';
import type { Chart, ReportTable } from '../../report/model.ts';
import { route } from '../route.ts';
import { num, pageOf, pageQuery, paginate, safeName } from '../schemas.ts';
import { csvRow } from '../sources/csv.ts';
import { RUN_FILES, type RunsFolder } from '../sources/runs-folder.ts';

const runParams = z.object({ run: safeName.describe('run folder name') });
const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const runSummary = z.object({
  id: z.string(),
  runId: z.string().nullable(),
  title: z.string().nullable(),
  generatedAt: z.string().nullable(),
  command: z.string().nullable(),
  gitSha: z.string().nullable(),
  files: z.array(z.enum(RUN_FILES)),
});

const chartSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('line'),
    id: z.string(),
    title: z.string(),
    x: z.array(z.union([z.string(), z.number()])),
    series: z.array(z.object({ name: z.string(), values: z.array(num) })),
    yLabel: z.string().optional(),
    yFormat: z.enum(['num', 'pct']).optional(),
    baseline: z.number().optional(),
  }),
  z.object({
    kind: z.literal('bar'),
    id: z.string(),
    title: z.string(),
    categories: z.array(z.string()),
    series: z.array(z.object({ name: z.string(), values: z.array(num) })),
    yLabel: z.string().optional(),
    yFormat: z.enum(['num', 'pct']).optional(),
  }),
  z.object({
    kind: z.literal('heatmap'),
    id: z.string(),
    title: z.string(),
    rows: z.array(z.string()),
    cols: z.array(z.string()),
    values: z.array(num),
    format: z.enum(['num', 'pct']).optional(),
  }),
]);

const columnSchema = z.object({
  key: z.string(),
  label: z.string(),
  format: z.enum(['text', 'int', 'num', 'pct', 'bps', 'sci']).optional(),
  digits: z.number().optional(),
});

/** Sort rows by `key`; null/NaN last whatever the order. */
function sortRows<T extends Record<string, unknown>>(
  rows: readonly T[],
  key: string,
  order: 'asc' | 'desc',
): T[] {
  const s = order === 'asc' ? 1 : -1;
  const missing = (v: unknown) =>
    v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v));
  return [...rows].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    if (missing(x) || missing(y)) return Number(missing(x)) - Number(missing(y));
    if (typeof x === 'number' && typeof y === 'number') return s * (x - y);
    return s * String(x).localeCompare(String(y));
  });
}

export function runRoutes(runs: RunsFolder) {
  const findTable = async (id: string, table: string): Promise<ReportTable> => {
    const report = await runs.report(id);
    const t = report.sections.flatMap((s) => s.tables ?? []).find((x) => x.id === table);
    if (!t) throw new NotFoundError(`run '${id}' has no table '${table}'`);
    return t;
  };
  const findChart = async (id: string, chart: string): Promise<Chart> => {
    const report = await runs.report(id);
    const c = report.sections.flatMap((s) => s.charts ?? []).find((x) => x.id === chart);
    if (!c) throw new NotFoundError(`run '${id}' has no chart '${chart}'`);
    return c;
  };

  return [
    route({
      method: 'GET',
      url: '/api/runs',
      tag: 'research',
      summary: 'Research runs in the runs folder, newest first',
      query: pageQuery,
      response: pageOf(runSummary),
      handler: async ({ query }) => paginate(await runs.list(), query),
    }),
    route({
      method: 'GET',
      url: '/api/runs/:run',
      tag: 'research',
      summary: "A run's report outline: sections with their paragraphs, table ids and chart ids",
      params: runParams,
      response: z.object({
        id: z.string(),
        runId: z.string(),
        title: z.string(),
        subtitle: z.string().optional(),
        generatedAt: z.string(),
        sections: z.array(
          z.object({
            id: z.string(),
            title: z.string(),
            paragraphs: z.array(z.string()),
            tables: z.array(z.object({ id: z.string(), title: z.string(), rows: z.number().int() })),
            charts: z.array(
              z.object({ id: z.string(), title: z.string(), kind: z.enum(['line', 'bar', 'heatmap']) }),
            ),
          }),
        ),
      }),
      handler: async ({ params }) => {
        const r = await runs.report(params.run);
        return {
          id: params.run,
          runId: r.runId,
          title: r.title,
          ...(r.subtitle === undefined ? {} : { subtitle: r.subtitle }),
          generatedAt: r.generatedAt,
          sections: r.sections.map((s) => ({
            id: s.id,
            title: s.title,
            paragraphs: [...(s.paragraphs ?? [])],
            tables: (s.tables ?? []).map((t) => ({ id: t.id, title: t.title, rows: t.rows.length })),
            charts: (s.charts ?? []).map((c) => ({ id: c.id, title: c.title, kind: c.kind })),
          })),
        };
      },
    }),
    route({
      method: 'GET',
      url: '/api/runs/:run/manifest',
      tag: 'research',
      summary: "A run's manifest (run id, config, seeds, versions, git SHA, input fingerprints, timings)",
      params: runParams,
      response: z.record(z.string(), z.unknown()),
      handler: async ({ params }) => runs.manifest(params.run),
    }),
    route({
      method: 'GET',
      url: '/api/runs/:run/tables/:table',
      tag: 'research',
      summary: 'One table of the report, its rows paginated and optionally sorted (missing values last)',
      description:
        "Tables include 'signal-ranking' (signals at their best horizon), 'portfolio-comparison', 'gates', 'assertions'.",
      params: runParams.extend({ table: safeName }),
      query: pageQuery.extend({
        sort: z.string().min(1).optional().describe('column key to sort by'),
        order: z.enum(['asc', 'desc']).default('desc'),
      }),
      response: pageOf(z.record(z.string(), cell)).extend({
        id: z.string(),
        title: z.string(),
        note: z.string().optional(),
        columns: z.array(columnSchema),
      }),
      handler: async ({ params, query }) => {
        const t = await findTable(params.run, params.table);
        if (query.sort !== undefined && !t.columns.some((c) => c.key === query.sort))
          throw new InvalidInputError(
            `cannot sort: table '${t.id}' has no column '${query.sort}' (columns: ${t.columns.map((c) => c.key).join(', ')})`,
          );
        const rows = query.sort === undefined ? [...t.rows] : sortRows(t.rows, query.sort, query.order);
        return {
          id: t.id,
          title: t.title,
          ...(t.note === undefined ? {} : { note: t.note }),
          columns: [...t.columns],
          ...paginate(rows, query),
        };
      },
    }),
    route({
      method: 'GET',
      url: '/api/runs/:run/charts/:chart',
      tag: 'research',
      summary: "One chart's data (e.g. 'ic-decay', 'cumulative-net', 'drawdowns'); missing values are null",
      params: runParams.extend({ chart: safeName }),
      response: chartSchema,
      // Typed arrays in the chart serialise as JSON arrays (NaN as null), which is what the schema describes.
      handler: async ({ params }) => (await findChart(params.run, params.chart)) as never,
    }),
    route({
      method: 'GET',
      url: '/api/runs/:run/report.html',
      tag: 'research',
      summary: "The run's self-contained HTML tear sheet",
      params: runParams,
      produces: 'text/html',
      response: z.string(),
      handler: async ({ params, reply }) => {
        const html = await readFile(await runs.file(params.run, 'report.html'));
        // The tear sheet is self-contained: no scripts or fetches of its own are needed beyond inline ones.
        reply
          .type('text/html; charset=utf-8')
          .header(
            'content-security-policy',
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'unsafe-inline'",
          )
          .send(html);
        return undefined;
      },
    }),
    route({
      method: 'GET',
      url: '/api/runs/:run/ic',
      tag: 'signals',
      summary: 'IC statistics of every signal and horizon (ic.csv), paginated, optionally filtered',
      params: runParams,
      query: pageQuery.extend({
        signal: z.string().min(1).optional(),
        horizon: z.coerce.number().int().positive().optional(),
      }),
      response: pageOf(z.record(z.string(), cell)).extend({ columns: z.array(z.string()) }),
      handler: async ({ params, query }) => {
        const t = await runs.csv(params.run, 'ic.csv');
        let rows = Array.from({ length: t.rows }, (_, r) => csvRow(t, r));
        if (query.signal !== undefined) rows = rows.filter((r) => r.signal === query.signal);
        if (query.horizon !== undefined) rows = rows.filter((r) => r.horizon === query.horizon);
        return { columns: [...t.columns], ...paginate(rows, query) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/runs/:run/ic-series',
      tag: 'signals',
      summary:
        'Daily rank IC series of a signal (ic_series.parquet), one series per horizon, with cumulative IC',
      params: runParams,
      query: z.object({
        signal: z.string().min(1),
        horizon: z.coerce.number().int().positive().optional(),
      }),
      response: z.object({
        signal: z.string(),
        series: z.array(
          z.object({
            horizon: z.number().int(),
            dates: z.array(z.string()),
            ic: z.array(num),
            cumulative: z.array(num),
          }),
        ),
      }),
      handler: async ({ params, query }) => {
        const points = await runs.icSeries(params.run, {
          signal: query.signal,
          ...(query.horizon === undefined ? {} : { horizon: query.horizon }),
        });
        if (points.length === 0)
          throw new NotFoundError(
            `run '${params.run}' has no IC series for signal '${query.signal}'${query.horizon ? ` at horizon ${query.horizon}` : ''}`,
          );
        const byH = new Map<number, { dates: string[]; ic: number[]; cumulative: number[] }>();
        for (const p of points) {
          let s = byH.get(p.horizon);
          if (!s) byH.set(p.horizon, (s = { dates: [], ic: [], cumulative: [] }));
          const prev = s.cumulative.length ? s.cumulative[s.cumulative.length - 1]! : 0;
          s.dates.push(p.date);
          s.ic.push(p.ic);
          // The cumulative sum skips missing days rather than treating them as 0 IC.
          s.cumulative.push(Number.isFinite(p.ic) ? prev + p.ic : prev);
        }
        return { signal: query.signal, series: [...byH].map(([horizon, s]) => ({ horizon, ...s })) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/runs/:run/csv/:file',
      tag: 'research',
      summary:
        "One of the run's CSV files (returns, rebalances, weights, decay, ic) as columns, paginated by row",
      params: runParams.extend({ file: z.enum(['returns', 'rebalances', 'weights', 'decay', 'ic']) }),
      query: pageQuery.extend({ limit: z.coerce.number().int().min(1).max(10_000).default(10_000) }),
      response: z.object({
        columns: z.array(z.string()),
        total: z.number().int(),
        limit: z.number().int(),
        offset: z.number().int(),
        data: z.record(z.string(), z.array(z.union([z.string(), num]))),
      }),
      handler: async ({ params, query }) => {
        const t = await runs.csv(params.run, `${params.file}.csv`);
        const end = Math.min(t.rows, query.offset + query.limit);
        const data: Record<string, (string | number | null)[]> = {};
        t.columns.forEach((c, j) => {
          const col = t.data[j]!;
          data[c] =
            col instanceof Float64Array
              ? Array.from(col.subarray(query.offset, end), (v) => (Number.isFinite(v) ? v : null))
              : col.slice(query.offset, end);
        });
        return { columns: [...t.columns], total: t.rows, limit: query.limit, offset: query.offset, data };
      },
    }),
  ];
}
