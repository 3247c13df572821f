import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { createCliContext } from '../../src/cli/context.ts';
import { registerResearchCommand } from '../../src/cli/research.ts';
import { queryRows, withDuckDB } from '../../src/data/io/duck.ts';

const dir = mkdtempSync(join(tmpdir(), 'alphalab-research-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const ctx = createCliContext({
    stdout: (t) => out.push(t),
    stderr: () => {},
    stderrIsTTY: false,
    env: { ALPHALAB_LOG_LEVEL: 'silent', ...env },
  });
  const program = new Command()
    .exitOverride()
    .option('--json')
    .option('--config <file>')
    .option('--log-level <level>')
    .option('--verbose');
  registerResearchCommand(program, ctx);
  await program.parseAsync(['node', 'alphalab', ...args]);
  return out.join('');
}

describe('alphalab research', () => {
  it('writes ic.csv, ic_series.parquet, weights.csv, decay.csv and report.json', async () => {
    const out = join(dir, 'run');
    const stdout = await run(
      [
        'research',
        '--until',
        'weights',
        '--stocks',
        '120',
        '--days',
        '420',
        '--variants',
        '1',
        '--horizons',
        '5,21',
        '--backend',
        'inline',
        '--out',
        out,
        '--json',
      ],
      { ALPHALAB_RESEARCH__MIN_COVERAGE: '60' },
    );
    const report = JSON.parse(stdout);
    expect(report.stage).toBe('weights');
    expect(report.weights.label).toMatch(/^in-sample/);
    const ic = readFileSync(join(out, 'ic.csv'), 'utf8').trim().split('\n');
    expect(ic[0]).toBe(
      'signal,horizon,mean_ic,ic_sd,icir,icir_ann,t_iid,t_nw,hit_rate,decay_halflife,q5_q1_ann,coverage',
    );
    expect(ic.length).toBe(1 + 11 * 2);
    const weights = readFileSync(join(out, 'weights.csv'), 'utf8').trim().split('\n').slice(1);
    const sumAbs = weights.reduce((a, l) => a + Math.abs(Number(l.split(',')[2] || 0)), 0);
    expect(Math.abs(sumAbs - 1)).toBeLessThan(1e-9);
    expect(readFileSync(join(out, 'decay.csv'), 'utf8').split('\n')[0]).toBe(
      'signal,horizon,skip,ic,score_decay_ann',
    );
    const rows = await withDuckDB((c) =>
      queryRows(
        c,
        `SELECT count(*) AS n, count(DISTINCT signal) AS s FROM '${join(out, 'ic_series.parquet')}'`,
      ),
    );
    const expected = report.inSampleTable.rows.reduce((a: number, r: { n: number }) => a + r.n, 0);
    expect(Number(rows[0]!.n)).toBe(expected);
    expect(Number(rows[0]!.s)).toBe(11);
  });

  it('stops after the signals with --until signals and prints a summary line', async () => {
    const stdout = await run(
      [
        'research',
        '--stocks',
        '60',
        '--days',
        '300',
        '--variants',
        '1',
        '--until',
        'signals',
        '--backend',
        'inline',
      ],
      {
        ALPHALAB_RESEARCH__MIN_COVERAGE: '30',
      },
    );
    expect(stdout).toMatch(/11 signals in/);
  });

  it('refuses synthetic flags together with --universe', async () => {
    await expect(run(['research', '--universe', dir, '--stocks', '10'])).rejects.toThrow(
      /apply to the synthetic market/,
    );
  });
});
