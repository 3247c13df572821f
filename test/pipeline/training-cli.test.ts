import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCliContext } from '../../src/cli/context.ts';
import { runCli } from '../../src/cli/program.ts';

const ws = mkdtempSync(join(tmpdir(), 'alphalab-train-cli-'));
afterAll(() => rmSync(ws, { recursive: true, force: true }));

function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const env = {
    ALPHALAB_ML__TRAIN_MONTHS: '9',
    ALPHALAB_ML__TEST_MONTHS: '3',
    ALPHALAB_ML__MIN_TRAINING_SAMPLES: '200',
    ALPHALAB_ML__CONFIDENCE_THRESHOLD: '0.4',
    ALPHALAB_ML__XGB_PARAMS__N_ESTIMATORS: '15',
    ALPHALAB_ML__XGB_PARAMS__MAX_DEPTH: '2',
    ALPHALAB_LOG_LEVEL: 'silent',
  };
  const ctx = createCliContext({
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    stderrIsTTY: false,
    env,
  });
  // train and predict are core commands of the program
  return runCli(['node', 'alphalab', ...args], ctx).then((code) => ({
    code,
    out: out.join(''),
    err: err.join(''),
  }));
}

const market = ['--stocks', '60', '--days', '520', '--seed', '4', '--workspace', ws];

describe('alphalab train / predict', () => {
  it('predict before any training is a clear error; train registers; predict writes signals', async () => {
    const none = await cli(['predict', '--date', '2016-12-28', ...market]);
    expect(none.code).not.toBe(0);
    expect(none.err).toMatch(/no active version of model 'ml_signal'/);

    const t = await cli([
      'train',
      ...market,
      '--trials',
      '0',
      '--windows',
      '1',
      '--out',
      join(ws, 'run'),
      '--json',
    ]);
    expect(t.err).toBe('');
    expect(t.code).toBe(0);
    const report = JSON.parse(t.out);
    expect(report.model.version).toBe(1);
    expect(report.promoted).toBe(true);
    for (const f of ['manifest.json', 'report.json', 'training_set.parquet'])
      expect(existsSync(join(ws, 'run', f))).toBe(true);
    expect(JSON.parse(readFileSync(join(ws, 'run', 'manifest.json'), 'utf8')).inputs.trainingSet).toBe(
      report.fingerprint,
    );

    const bad = await cli(['predict', '--date', '2016-12-25', ...market]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/not a trading date/);

    const p = await cli([
      'predict',
      '--date',
      '2016-12-28',
      ...market,
      '--out',
      join(ws, 'signals'),
      '--json',
    ]);
    expect(p.code).toBe(0);
    const { signals } = JSON.parse(p.out);
    const csv = readFileSync(join(ws, 'signals', 'signals.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(signals.length).toBeGreaterThan(0);
    expect(csv.length).toBe(signals.length + 1);
    for (const s of signals) {
      expect(['LONG', 'SHORT']).toContain(s.direction);
      expect(s.strength).toBeGreaterThan(0.4);
      expect(s.metadata.modelVersion).toBe(1);
    }
  }, 240_000);

  it('help has examples', async () => {
    const h = await cli(['train', '--help']);
    expect(h.out).toMatch(/Examples:\n {2}\$ alphalab train/);
    const p = await cli(['predict', '--help']);
    expect(p.out).toMatch(/alphalab predict --date/);
  });
});
