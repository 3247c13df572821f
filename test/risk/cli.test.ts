import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCovarianceCommand } from '../../src/cli/covariance.ts';
import { CORE_COMMANDS } from '../../src/cli/program.ts';
import { registerRiskCommand } from '../../src/cli/risk.ts';
import { writeUniverseDir } from '../../src/data/io/directory.ts';
import { generateSyntheticMarket } from '../../src/data/synthetic/index.ts';
import { runInProcess } from '../cli/helpers.ts';

// The lead wires both commands into the program; add them here only while they are not (no duplicates).
const extra = [registerRiskCommand, registerCovarianceCommand].filter((r) => !CORE_COMMANDS.includes(r));
let root: string;
let universeDir: string;
let dates: readonly string[];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'alphalab-risk-cli-'));
  universeDir = join(root, 'universe');
  const m = generateSyntheticMarket({ stocks: 50, days: 200, seed: 11 });
  dates = m.universe.dates;
  await writeUniverseDir(m.universe, universeDir, { format: 'parquet' });
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('alphalab risk', () => {
  it('registers on a plain commander program (the lead wires it into main.ts)', () => {
    const program = new Command('alphalab');
    registerRiskCommand(program);
    registerCovarianceCommand(program);
    expect(program.commands.map((c) => c.name())).toEqual(['risk', 'covariance']);
    expect(program.commands[0]!.commands.map((c) => c.name())).toEqual(['build', 'show']);
  });

  it('build --json writes the model; show reads it back with checksums verified', async () => {
    const out = join(root, 'models');
    const date = dates[180]!;
    const b = await runInProcess(
      ['risk', 'build', '--universe', universeDir, '--date', date, '--out', out, '--json'],
      extra,
    );
    expect(b.code, b.stderr).toBe(0);
    const built = JSON.parse(b.stdout);
    expect(built).toMatchObject({
      status: 'ok',
      asOf: date,
      persistence: { status: 'written', path: join(out, date) },
    });
    expect(built.factors[0]).toBe('intercept');
    const s = await runInProcess(['risk', 'show', date, '--out', out, '--json'], extra);
    expect(s.code, s.stderr).toBe(0);
    const shown = JSON.parse(s.stdout);
    expect(shown.factors).toEqual(built.factors);
    expect(shown.F).toHaveLength(built.factors.length);
    expect(shown.F[0]).toHaveLength(built.factors.length);
    const text = await runInProcess(['risk', 'show', date, '--out', out], extra);
    expect(text.stdout).toMatch(/checksums verified/);
  });

  it('build --dry-run writes nothing; a skip is reported, not an error', async () => {
    const out = join(root, 'dry');
    const r = await runInProcess(
      ['risk', 'build', '--universe', universeDir, '--out', out, '--dry-run'],
      extra,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/not written \(dry-run\)/);
    const early = await runInProcess(
      ['risk', 'build', '--universe', universeDir, '--date', dates[30]!, '--out', out, '--json'],
      extra,
    );
    expect(early.code).toBe(0);
    expect(JSON.parse(early.stdout)).toMatchObject({
      status: 'skipped',
      persistence: { status: 'not-built' },
    });
  });

  it('bad input exits 2 with one line; a damaged model exits 1', async () => {
    const bad = await runInProcess(
      ['risk', 'build', '--universe', universeDir, '--date', '2024/01/01'],
      extra,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe("alphalab: --date must be YYYY-MM-DD, got '2024/01/01' (field date)");
    const missing = await runInProcess(['risk', 'show', '2001-01-01', '--out', join(root, 'nowhere')], extra);
    expect(missing.code).toBe(2);
    const out = join(root, 'damaged');
    await runInProcess(['risk', 'build', '--universe', universeDir, '--out', out], extra);
    writeFileSync(join(out, dates.at(-1)!, 'F.parquet'), 'not parquet');
    const damaged = await runInProcess(['risk', 'show', dates.at(-1)!, '--out', out], extra);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/checksum mismatch/);
  });
});

describe('alphalab covariance', () => {
  it('prints the diagnostics of every configured estimator', async () => {
    const all = ['sample', 'ledoit_wolf', 'oas', 'lw2020', 'rmt', 'pca', 'fama_macbeth'];
    const r = await runInProcess(
      ['covariance', '--universe', universeDir, '--lookback', '120', '--methods', all.join(','), '--json'],
      extra,
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.estimators.map((e: { method: string }) => e.method)).toEqual(all);
    expect(out.dates).toBe(120);
    for (const e of out.estimators) {
      expect(e.trace, e.method).toBeGreaterThan(0);
      expect(e.effectiveRank).toBeGreaterThan(1);
      expect(e.conditionNumber).toBeGreaterThan(1);
    }
    const t = await runInProcess(
      ['covariance', '--universe', universeDir, '--lookback', '40', '--methods', 'sample,lw2020'],
      extra,
    );
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/^sample\s+Infinity/m);
    const bad = await runInProcess(['covariance', '--universe', universeDir, '--methods', 'nope'], extra);
    expect(bad.code).toBe(2);
  });
});
