import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IntegrityError, NotFoundError } from '../../src/core/errors.ts';
import { makeUniverse, type Universe } from '../../src/core/universe.ts';
import { generateSyntheticMarket } from '../../src/data/synthetic/index.ts';
import { buildRiskModel } from '../../src/risk/factor-model/build.ts';
import { DEFAULT_LOADING_NAMES } from '../../src/risk/factor-model/loadings.ts';
import { loadRiskModel } from '../../src/risk/persistence/read.ts';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'alphalab-risk-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const market = generateSyntheticMarket({ stocks: 60, days: 330, seed: 3 });
const u = market.universe;

/** The same universe without some panels (e.g. price-only data). */
function without(universe: Universe, drop: readonly string[]): Universe {
  const panels = new Map([...universe.panels].filter(([k]) => !drop.includes(k)));
  return makeUniverse({ ...universe, panels });
}

describe('buildRiskModel on a synthetic universe', () => {
  it('builds with all eight default loadings and persists F, D, B and metadata atomically', async () => {
    const out = tempDir();
    const res = await buildRiskModel(u, { outDir: out, createdAt: '2026-01-01T00:00:00.000Z' });
    expect(res.status).toBe('ok');
    expect(res.skippedLoadings).toEqual([]);
    expect(res.model!.factors).toEqual(['intercept', ...DEFAULT_LOADING_NAMES]);
    expect(res.persistence).toEqual({ status: 'written', path: join(out, u.dates.at(-1)!) });
    const loaded = await loadRiskModel(out, res.asOf!);
    expect(loaded.factors).toEqual(res.model!.factors);
    expect(loaded.tickers).toEqual(res.model!.tickers);
    expect(Array.from(loaded.F)).toEqual(Array.from(res.model!.F));
    expect(Array.from(loaded.D)).toEqual(Array.from(res.model!.D));
    expect(Array.from(loaded.B)).toEqual(Array.from(res.model!.B));
    const K = loaded.factors.length;
    expect(loaded.F.length).toBe(K * K); // F is square (seed 000's load-bearing test)
    const w = new Float64Array(loaded.tickers.length).fill(1 / loaded.tickers.length);
    expect(loaded.covariance().quadForm(w)).toBeCloseTo(res.model!.covariance().quadForm(w), 15);
    expect(loaded.metadata.shapes).toEqual({
      factors: K,
      tickers: loaded.tickers.length,
      validDates: res.model!.factorReturnDates.length,
    });
    expect(loaded.metadata.createdAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it('skips loadings whose fields the universe lacks, with a note (price-only data)', async () => {
    const priceOnly = without(u, [
      'market_cap',
      'book_to_market',
      'roe',
      'asset_growth',
      'accruals',
      'short_interest',
    ]);
    const res = await buildRiskModel(priceOnly);
    expect(res.status).toBe('ok');
    expect(res.model!.factors).toEqual(['intercept', 'momentum', 'low_volatility']);
    expect(res.skippedLoadings.map((s) => s.name)).toEqual([
      'size',
      'value',
      'quality',
      'growth',
      'accruals',
      'short_interest',
    ]);
    expect(res.skippedLoadings[0]!.reason).toBe('universe has no market_cap field');
    expect(res.persistence).toEqual({ status: 'not-requested' });
  });

  it('dry-run builds the model and writes nothing', async () => {
    const out = tempDir();
    const res = await buildRiskModel(u, { outDir: out, dryRun: true });
    expect(res.status).toBe('ok');
    expect(res.model).toBeDefined();
    expect(res.persistence).toEqual({ status: 'dry-run' });
    await expect(loadRiskModel(out, res.asOf!)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a persistence failure is a warning and a status; the in-memory model survives', async () => {
    const blocker = join(tempDir(), 'not-a-directory');
    writeFileSync(blocker, 'x');
    const warnings: string[] = [];
    const logger = { warn: (_o: unknown, msg: string) => warnings.push(msg), info: () => {} } as never;
    const res = await buildRiskModel(u, { outDir: blocker, logger });
    expect(res.status).toBe('ok');
    expect(res.model!.F.length).toBeGreaterThan(0);
    expect(res.persistence.status).toBe('failed');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/was built but not persisted/);
  });

  it('builds as of an earlier date, using nothing after it', async () => {
    const res = await buildRiskModel(u, { asOf: u.dates[200]! });
    expect(res.asOf).toBe(u.dates[200]);
    expect(res.model!.factorReturnDates.at(-1)! <= u.dates[200]!).toBe(true);
  });

  it('seed-000 skip paths: empty universe, < 60 dates, < 30 tickers, no loadings', async () => {
    const empty = makeUniverse({
      dates: [],
      tickers: [],
      securities: [],
      panels: new Map(),
      source: 'empty',
    });
    expect((await buildRiskModel(empty)).reason).toBe('the universe is empty');
    const short = await buildRiskModel(u, { asOf: u.dates[40]! });
    expect(short.status).toBe('skipped');
    expect(short.reason).toMatch(/fewer than 60/);
    const few = generateSyntheticMarket({ stocks: 25, days: 120, seed: 4 }).universe;
    const r = await buildRiskModel(few);
    expect(r.status).toBe('skipped');
    expect(r.reason).toMatch(/fewer than 30/);
    const none = await buildRiskModel(u, { loadings: [] });
    expect(none).toMatchObject({
      status: 'skipped',
      reason: 'no loading columns were given',
      persistence: { status: 'not-built' },
    });
  });
});

describe('loading a persisted model refuses damage', () => {
  it('checksum mismatch, truncated metadata and wrong shapes are IntegrityErrors naming the file', async () => {
    const out = tempDir();
    const res = await buildRiskModel(u, { outDir: out });
    const dir = join(out, res.asOf!);
    const dPath = join(dir, 'D.parquet');
    const original = readFileSync(dPath);
    const damaged = Buffer.from(original);
    damaged[Math.floor(damaged.length / 2)]! ^= 0xff;
    writeFileSync(dPath, damaged);
    const err = await loadRiskModel(out, res.asOf!).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrityError);
    expect((err as Error).message).toMatch(/checksum mismatch/);
    expect((err as IntegrityError).where?.file).toBe(dPath);
    writeFileSync(dPath, original);
    await expect(loadRiskModel(out, res.asOf!)).resolves.toBeDefined();

    const metaPath = join(dir, 'metadata.json');
    const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
    writeFileSync(
      metaPath,
      JSON.stringify({ ...meta, shapes: { ...meta.shapes, tickers: meta.shapes.tickers + 1 } }),
    );
    await expect(loadRiskModel(out, res.asOf!)).rejects.toThrow(/D has \d+ rows, expected/);
    writeFileSync(metaPath, '{"format": "alphalab.risk');
    await expect(loadRiskModel(out, res.asOf!)).rejects.toBeInstanceOf(IntegrityError);
    rmSync(join(dir, 'F.parquet'));
    writeFileSync(metaPath, JSON.stringify(meta));
    await expect(loadRiskModel(out, res.asOf!)).rejects.toThrow(/F.parquet is missing/);
  });
});
