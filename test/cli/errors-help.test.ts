import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.ts';
import { nonLogLines, runChild, runInProcess } from './helpers.ts';

describe('CLI error edge (child process)', () => {
  it('a user mistake prints one line, no stack, and exits 2', () => {
    const r = runChild(['info', '/nonexistent/universe']);
    expect(r.code).toBe(2);
    const lines = nonLogLines(r.stderr);
    expect(lines).toEqual(['alphalab: universe directory does not exist (file /nonexistent/universe)']);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('a bad flag exits 2 with commander’s one-line message', () => {
    const r = runChild(['ingest', '--out', 'x', '--format', 'xlsx']);
    expect(r.code).toBe(2);
    expect(nonLogLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain("argument 'xlsx' is invalid");
  });
});

describe('CLI error edge (in process)', () => {
  const boom = (program: Command) =>
    program.command('boom').action(() => {
      throw new Error('kaboom');
    });
  const bad = (program: Command) =>
    program.command('bad').action(() => {
      throw new InvalidInputError('bad value', { where: { file: 'f.csv', row: 3 } });
    });

  it('an internal error exits 1 without a stack unless --verbose or ALPHALAB_DEBUG', async () => {
    const plain = await runInProcess(['boom'], [boom]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toBe('alphalab: kaboom\n');
    const verbose = await runInProcess(['--verbose', 'boom'], [boom]);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/^alphalab: kaboom\nError: kaboom\n\s+at /);
    const debug = await runInProcess(['boom'], [boom], { ALPHALAB_DEBUG: '1' });
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('a typed user error exits 2 even with --verbose, naming where', async () => {
    const r = await runInProcess(['--verbose', 'bad'], [bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('alphalab: bad value (file f.csv, row 3)\n');
  });
});

describe('--help', () => {
  it.each([[[]], [['synth']], [['ingest']], [['info']]])('works for %j with an example', async (cmd) => {
    const r = await runInProcess([...cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: alphalab/);
    expect(r.stdout).toMatch(/Examples:\n\s+\$ alphalab /);
    expect(r.stderr).toBe('');
  });

  it('no command prints the help and exits 2', async () => {
    const r = await runInProcess([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: alphalab');
  });
});
