/**
 * Research-run and risk-model endpoints through fastify's inject, on a runs folder and risk model written by
 * the library (fixture.ts). Every response is also checked against its declared schema (validateResponses).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResearchPipelineResult } from '../../src/pipeline/research.ts';
import { loadRiskModel } from '../../src/risk/persistence/read.ts';
import { type AlphalabServer, buildServer } from '../../src/server/index.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import { researchRun, type SeededRuns, seedFiles } from './fixture.ts';
import { call, expectError } from './helpers.ts';

let root: string;
let seeded: SeededRuns;
let res: ResearchPipelineResult;
let store: Store;
let server: AlphalabServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'alphalab-api-runs-'));
  seeded = await seedFiles(root);
  res = await researchRun();
  store = await openStore({ workspace: join(root, 'workspace'), dbUrl: ':memory:', env: {} });
  server = await buildServer({
    store,
    runsDir: seeded.runsDir,
    riskRoot: seeded.riskRoot,
    validateResponses: true,
  });
});

afterAll(async () => {
  await server?.app.close();
  await store?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('research runs', () => {
  it('lists run folders (report.json or manifest.json), newest first, with totals and pages', async () => {
    const all = await call(server.app, 'GET', '/api/runs');
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(2);
    expect(all.body.items.map((r: { id: string }) => r.id).sort()).toEqual(['damaged', 'run-a']);
    const a = all.body.items.find((r: { id: string }) => r.id === 'run-a');
    expect(a.runId).toBe('run-test-a');
    expect(a.files).toEqual(
      expect.arrayContaining([
        'report.json',
        'report.html',
        'manifest.json',
        'returns.csv',
        'ic_series.parquet',
      ]),
    );
    // the damaged run is listed with what could be read (nothing), after the dated one
    expect(all.body.items[0].id).toBe('run-a');
    expect(all.body.items[1].title).toBeNull();
    const page = await call(server.app, 'GET', '/api/runs?limit=1&offset=1');
    expect(page.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(page.body.items.map((r: { id: string }) => r.id)).toEqual(['damaged']);
  });

  it("outlines a run's report: sections, table ids with row counts, chart ids", async () => {
    const r = await call(server.app, 'GET', '/api/runs/run-a');
    expect(r.status).toBe(200);
    const report = JSON.parse(readFileSync(join(seeded.runsDir, 'run-a', 'report.json'), 'utf8'));
    expect(r.body.sections.map((s: { id: string }) => s.id)).toEqual(
      report.sections.map((s: { id: string }) => s.id),
    );
    const signals = r.body.sections.find((s: { id: string }) => s.id === 'signals');
    expect(signals.tables[0]).toEqual({
      id: 'signal-ranking',
      title: expect.any(String),
      rows: report.sections.find((s: { id: string }) => s.id === 'signals').tables[0].rows.length,
    });
    expect(signals.charts.map((c: { id: string }) => c.id)).toContain('ic-decay');
  });

  it('serves a table sorted by a column (missing values last) and paginated', async () => {
    const report = JSON.parse(readFileSync(join(seeded.runsDir, 'run-a', 'report.json'), 'utf8'));
    const rows = report.sections
      .flatMap((s: { tables?: unknown[] }) => s.tables ?? [])
      .find((t: { id: string }) => t.id === 'signal-ranking').rows as {
      signal: string;
      icir: number | null;
    }[];
    // naive twin: finite values descending, then nulls
    const expected = [
      ...rows.filter((x) => x.icir !== null).sort((a, b) => b.icir! - a.icir!),
      ...rows.filter((x) => x.icir === null),
    ].map((x) => x.signal);
    const r = await call(
      server.app,
      'GET',
      '/api/runs/run-a/tables/signal-ranking?sort=icir&order=desc&limit=1000',
    );
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(rows.length);
    expect(r.body.items.map((x: { signal: string }) => x.signal)).toEqual(expected);
    expect(r.body.columns.map((c: { key: string }) => c.key)).toContain('icir');
    const p = await call(
      server.app,
      'GET',
      '/api/runs/run-a/tables/signal-ranking?sort=icir&limit=2&offset=1',
    );
    expect(p.body.items.map((x: { signal: string }) => x.signal)).toEqual(expected.slice(1, 3));
    const asc = await call(
      server.app,
      'GET',
      '/api/runs/run-a/tables/signal-ranking?sort=icir&order=asc&limit=1',
    );
    expect(asc.body.items[0].signal).toBe(expected[rows.filter((x) => x.icir !== null).length - 1]);
  });

  it('serves the portfolio comparison and a chart with missing values as null', async () => {
    const t = await call(server.app, 'GET', '/api/runs/run-a/tables/portfolio-comparison');
    expect(t.status).toBe(200);
    expect(t.body.items.map((x: { book: string }) => x.book)).toEqual(res.books!.map((b) => b.name));
    expect(t.body.items[0].sharpe).toBeCloseTo(res.books![0]!.evaluation.net.sharpe, 12);
    const c = await call(server.app, 'GET', '/api/runs/run-a/charts/ic-decay');
    expect(c.status).toBe(200);
    expect(c.body.kind).toBe('line');
    for (const s of c.body.series) expect(s.values.length).toBe(c.body.x.length);
    const cum = await call(server.app, 'GET', '/api/runs/run-a/charts/cumulative-net');
    expect(cum.body.series.length).toBeGreaterThan(0);
    expect(cum.body.series[0].values.length).toBe(cum.body.x.length);
  });

  it('serves the HTML tear sheet as the file written by the run', async () => {
    const r = await call(server.app, 'GET', '/api/runs/run-a/report.html');
    expect(r.status).toBe(200);
    expect(String(r.headers['content-type'])).toMatch(/^text\/html/);
    expect(r.text).toBe(readFileSync(join(seeded.runsDir, 'run-a', 'report.html'), 'utf8'));
  });

  it('serves the daily IC series with its cumulative sum, equal to the research result', async () => {
    const sig = seeded.firstSignal;
    const r = await call(server.app, 'GET', `/api/runs/run-a/ic-series?signal=${sig}&horizon=5`);
    expect(r.status).toBe(200);
    expect(r.body.series).toHaveLength(1);
    const s = r.body.series[0];
    const tier = res.research.tier;
    const acc = tier.signals.find((x) => x.name === sig)!.accumulations.find((a) => a.horizon === 5)!;
    const dates: string[] = [];
    const ic: number[] = [];
    for (let d = 0; d < acc.ic.length; d++)
      if (!Number.isNaN(acc.ic[d]!)) {
        dates.push(tier.context.dates[d]!);
        ic.push(acc.ic[d]!);
      }
    expect(s.dates).toEqual(dates);
    expect(s.ic).toEqual(ic);
    let c = 0;
    ic.forEach((v, k) => {
      c += v;
      expect(s.cumulative[k]).toBeCloseTo(c, 12);
    });
    const both = await call(server.app, 'GET', `/api/runs/run-a/ic-series?signal=${sig}`);
    expect(both.body.series.map((x: { horizon: number }) => x.horizon)).toEqual([5, 21]);
    expectError(await call(server.app, 'GET', '/api/runs/run-a/ic-series?signal=NOPE'), 404, 'NOT_FOUND');
    expectError(await call(server.app, 'GET', '/api/runs/run-a/ic-series'), 400, 'INVALID_INPUT');
  });

  it("serves the run's returns CSV as columns equal to the simulation", async () => {
    const r = await call(server.app, 'GET', '/api/runs/run-a/csv/returns');
    expect(r.status).toBe(200);
    const book = res.portfolio!.books[0]!;
    expect(r.body.columns).toContain(`${book.name}_net`);
    expect(r.body.total).toBe(res.universe.dates.length);
    expect(r.body.data.date).toEqual(res.universe.dates);
    const net = r.body.data[`${book.name}_net`] as (number | null)[];
    net.forEach((v, t) => {
      const x = book.sim.netReturns[t]!;
      if (Number.isFinite(x)) expect(v).toBe(x);
      else expect(v).toBeNull();
    });
    expectError(await call(server.app, 'GET', '/api/runs/run-a/csv/ic'), 404, 'NOT_FOUND');
  });

  it('refuses bad run ids and unknown tables, and hides damaged files behind a safe 500', async () => {
    expectError(await call(server.app, 'GET', '/api/runs/nope'), 404, 'NOT_FOUND');
    expectError(await call(server.app, 'GET', '/api/runs/..%2F..%2Fetc'), 400, 'INVALID_INPUT');
    expectError(await call(server.app, 'GET', '/api/runs/.hidden'), 400, 'INVALID_INPUT');
    expectError(await call(server.app, 'GET', '/api/runs/run-a/tables/nope'), 404, 'NOT_FOUND');
    expectError(
      await call(server.app, 'GET', '/api/runs/run-a/tables/signal-ranking?sort=nope'),
      400,
      'INVALID_INPUT',
    );
    const bad = await call(server.app, 'GET', '/api/runs/run-a/tables/signal-ranking?limit=5000&offset=-1');
    expectError(bad, 400, 'INVALID_INPUT');
    expect(bad.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'query.limit',
      'query.offset',
    ]);
    const damaged = await call(server.app, 'GET', '/api/runs/damaged');
    expectError(damaged, 500, 'INTEGRITY');
    expect(damaged.text).not.toContain(root);
    expect(damaged.text).not.toContain('cut short');
    expectError(await call(server.app, 'GET', '/api/runs/not-a-run/report.html'), 404, 'NOT_FOUND');
  });
});

describe('risk models', () => {
  it('lists persisted models and serves F, premia and factor returns equal to the files', async () => {
    const list = await call(server.app, 'GET', '/api/risk-models');
    expect(list.status).toBe(200);
    expect(list.body.items.map((m: { asOf: string }) => m.asOf)).toEqual([seeded.riskAsOf]);
    const m = await loadRiskModel(seeded.riskRoot, seeded.riskAsOf);
    const r = await call(server.app, 'GET', `/api/risk-models/${seeded.riskAsOf}`);
    expect(r.status).toBe(200);
    const K = m.factors.length;
    expect(r.body.factors).toEqual(m.factors);
    expect(r.body.F).toEqual(Array.from(m.F));
    expect(r.body.metadata.files).toBeUndefined();
    expect(r.body.factorReturns.values).toHaveLength(K);
    expect(r.body.factorReturns.values[1][3]).toBe(m.factorReturns[3 * K + 1]);
  });

  it('pages per-ticker exposures and filters by ticker', async () => {
    const m = await loadRiskModel(seeded.riskRoot, seeded.riskAsOf);
    const K = m.factors.length;
    const r = await call(
      server.app,
      'GET',
      `/api/risk-models/${seeded.riskAsOf}/exposures?limit=10&offset=5`,
    );
    expect(r.body.total).toBe(m.tickers.length);
    expect(r.body.items[0].ticker).toBe(m.tickers[5]);
    expect(r.body.items[0].exposures[m.factors[2]!]).toBe(m.B[5 * K + 2]);
    expect(r.body.items[0].specificVariance).toBe(m.D[5]);
    const one = await call(
      server.app,
      'GET',
      `/api/risk-models/${seeded.riskAsOf}/exposures?ticker=${m.tickers[7]}`,
    );
    expect(one.body.items.map((x: { ticker: string }) => x.ticker)).toEqual([m.tickers[7]]);
    expectError(
      await call(server.app, 'GET', `/api/risk-models/${seeded.riskAsOf}/exposures?ticker=ZZZ`),
      404,
      'NOT_FOUND',
    );
    expectError(await call(server.app, 'GET', '/api/risk-models/2001-01-01'), 404, 'NOT_FOUND');
    expectError(await call(server.app, 'GET', '/api/risk-models/20010101'), 400, 'INVALID_INPUT');
  });

  it('answers a safe 500 when a risk-model file was tampered with', async () => {
    const copy = join(root, 'risk-copy');
    cpSync(seeded.riskRoot, copy, { recursive: true });
    const d = join(copy, seeded.riskAsOf, 'D.parquet');
    const bytes = readFileSync(d);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    writeFileSync(d, bytes);
    const s = await buildServer({ store, runsDir: seeded.runsDir, riskRoot: copy });
    try {
      const r = await call(s.app, 'GET', `/api/risk-models/${seeded.riskAsOf}`);
      expectError(r, 500, 'INTEGRITY');
      expect(r.text).not.toContain(copy);
    } finally {
      await s.app.close();
    }
  });
});
