/** `alphalab features …` and `alphalab models …` run in-process through the real commander program. */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { createCliContext } from '../../src/cli/context.ts';
import { describeError, exitCodeFor } from '../../src/cli/errors.ts';
import { registerFeaturesCommand } from '../../src/cli/features.ts';
import { registerModelsCommand } from '../../src/cli/models.ts';

const ws = mkdtempSync(join(tmpdir(), 'alphalab-cli-store-'));
afterAll(() => rmSync(ws, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const ctx = createCliContext({
    stdout: (t) => (stdout += t.endsWith('\n') ? t : `${t}\n`),
    stderr: (t) => (stderr += t.endsWith('\n') ? t : `${t}\n`),
    stderrIsTTY: false,
    env: { ALPHALAB_LOG_LEVEL: 'silent' },
  });
  // A program of our own with the root's global flags, so the test does not depend on how main.ts wires it.
  const program = new Command('alphalab')
    .option('--json')
    .option('--config <file>')
    .exitOverride()
    .configureOutput({ writeOut: (t) => (stdout += t), writeErr: (t) => (stderr += t) });
  registerFeaturesCommand(program, ctx);
  registerModelsCommand(program, ctx);
  let code = 0;
  try {
    await program.parseAsync(['node', 'alphalab', ...args]);
  } catch (e) {
    const text = describeError(e, false);
    if (text) stderr += `${text}\n`;
    code = exitCodeFor(e);
  }
  return { code, stdout, stderr };
}

const W = ['--workspace', ws];

describe('alphalab features', () => {
  it('define → write → latest → pit → export, with the seed 004 example', async () => {
    expect((await cli('features', 'define', 'rsi_14', ...W)).code).toBe(0);
    expect((await cli('features', 'define', 'meta', '--type', 'json', ...W)).code).toBe(0);
    const csv = join(ws, 'rows.csv');
    writeFileSync(
      csv,
      'entity,feature,event_time,ingest_time,value\nAAPL.NASDAQ,rsi_14,2024-01-15,2024-01-16T22:00:00Z,62.5\nAAPL.NASDAQ,meta,2024-01-15,2024-01-16T22:00:00Z,"{""src"":""x""}"\n',
    );
    const w = await cli('features', 'write', csv, '--producer', 'rsi_job', '--json', ...W);
    expect(w.code).toBe(0);
    expect(JSON.parse(w.stdout)).toMatchObject({ inserted: 2, skipped: 0 });
    const again = await cli('features', 'write', csv, '--producer', 'rsi_job', ...W);
    expect(again.stdout).toMatch(/wrote 0 rows \(2 already known\)/);
    const before = await cli(
      'features',
      'latest',
      'AAPL.NASDAQ',
      '--as-of',
      '2024-01-16T09:30:00Z',
      '--json',
      ...W,
    );
    expect(JSON.parse(before.stdout)).toEqual([]);
    const after = await cli(
      '--json',
      'features',
      'latest',
      'AAPL.NASDAQ',
      '--as-of',
      '2024-01-17T09:30:00Z',
      ...W,
    );
    const vals = JSON.parse(after.stdout) as { feature: string; value: unknown }[];
    expect(vals.find((v) => v.feature === 'rsi_14')?.value).toBe(62.5);
    expect(vals.find((v) => v.feature === 'meta')?.value).toEqual({ src: 'x' });
    const req = join(ws, 'req.csv');
    writeFileSync(req, 'entity,as_of\nAAPL.NASDAQ,2024-01-16T09:30:00Z\nAAPL.NASDAQ,2024-01-17T09:30:00Z\n');
    const pit = await cli('features', 'pit', req, '--features', 'rsi_14', ...W);
    expect(pit.stdout.trim().split('\n')).toEqual([
      'entity,as_of,feature,version,value,event_time,ingest_time',
      'AAPL.NASDAQ,2024-01-16T09:30:00.000Z,rsi_14,1,,,',
      'AAPL.NASDAQ,2024-01-17T09:30:00.000Z,rsi_14,1,62.5,2024-01-15T21:00:00.000Z,2024-01-16T22:00:00.000Z',
    ]);
    const out = join(ws, 'train.parquet');
    const ex = await cli('features', 'export', req, '--features', 'rsi_14', '--out', out, '--json', ...W);
    expect(ex.code).toBe(0);
    expect(JSON.parse(ex.stdout).fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(out)).toBe(true);
  });

  it('bad input exits 2 with a one-line message naming the problem', async () => {
    const csv = join(ws, 'bad.csv');
    writeFileSync(csv, 'entity,feature,event_time,value\nA,rsi_14,2024-01-15T10:00:00,1\n');
    const r = await cli('features', 'write', csv, '--producer', 'p', ...W);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no time zone/);
    const u = await cli('features', 'latest', 'A', '--features', 'nope', ...W);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/'nope' is not defined/);
    expect((await cli('features', 'write', csv, ...W)).code).toBe(2); // --producer is required
  });

  it('--help shows examples', async () => {
    const h = await cli('features', '--help');
    expect(h.stdout).toMatch(/Examples:/);
    expect(h.stdout).toMatch(/features pit/);
  });
});

describe('alphalab models', () => {
  it('register, promote, rollback, active, best, history, show, list', async () => {
    const art = join(ws, 'model.json');
    writeFileSync(art, '{"trees":[]}');
    const r1 = await cli(
      'models',
      'register',
      'mx',
      '--strategy-type',
      'momentum',
      '--metrics',
      '{"sharpe_ratio":1.2}',
      '--artifact',
      `${art}:weights`,
      '--by',
      'alice',
      '--json',
      ...W,
    );
    expect(r1.code).toBe(0);
    expect(JSON.parse(r1.stdout)).toMatchObject({ name: 'mx', version: 1, createdBy: 'alice' });
    expect(
      (
        await cli(
          'models',
          'register',
          'mx',
          '--strategy-type',
          'momentum',
          '--metrics',
          '{"sharpe_ratio":1.5}',
          ...W,
        )
      ).code,
    ).toBe(0);
    expect((await cli('models', 'promote', 'mx', '1', '--by', 'alice', '--reason', 'first', ...W)).code).toBe(
      0,
    );
    expect((await cli('models', 'promote', 'mx', '2', '--by', 'bob', ...W)).code).toBe(0);
    const rb = await cli('models', 'rollback', 'mx', '--by', 'carol', '--reason', 'IC low', '--json', ...W);
    expect(JSON.parse(rb.stdout)).toMatchObject({
      action: 'rollback',
      version: 1,
      changedBy: 'carol',
      reason: 'IC low',
    });
    expect(JSON.parse((await cli('models', 'active', 'mx', '--json', ...W)).stdout).version).toBe(1);
    expect(
      JSON.parse((await cli('models', 'best', 'momentum', 'sharpe_ratio', '--json', ...W)).stdout).model
        .version,
    ).toBe(2);
    const hist = await cli('models', 'history', 'mx', ...W);
    expect(hist.stdout.trim().split('\n')).toHaveLength(3);
    expect(hist.stdout).toMatch(/rollback\s+→ v1\s+by carol: IC low/);
    const show = JSON.parse((await cli('models', 'show', 'mx', '--version', '1', '--json', ...W)).stdout);
    expect(show.active).toBe(true);
    expect(show.artifacts[0].sizeBytes).toBe(12);
    expect((await cli('models', 'list', ...W)).stdout).toMatch(/mx\tlatest v2\tactive v1/);
    const missing = await cli('models', 'promote', 'mx', '9', ...W);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no version 9/);
    expect((await cli('models', 'best', 'momentum', 'sortino', ...W)).code).toBe(2);
    expect((await cli('models', '--help')).stdout).toMatch(/models rollback/);
  });
});
