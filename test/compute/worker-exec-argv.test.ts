import { describe, expect, it } from 'vitest';
import { workerExecArgv } from '../../src/compute/worker-exec-argv.ts';

describe('workerExecArgv (a pool worker registers tsx itself)', () => {
  it('drops the tsx loader options of `node --import tsx` and of the tsx CLI, keeps the rest', () => {
    expect(workerExecArgv(['--import', 'tsx', '--cpu-prof', '--max-old-space-size=4096'])).toEqual([
      '--cpu-prof',
      '--max-old-space-size=4096',
    ]);
    expect(
      workerExecArgv([
        '--require',
        '/work/main/node_modules/tsx/dist/preflight.cjs',
        '--import',
        'file:///work/main/node_modules/tsx/dist/loader.mjs',
        '--cpu-prof-dir=/tmp/p',
      ]),
    ).toEqual(['--cpu-prof-dir=/tmp/p']);
    expect(workerExecArgv(['--import=tsx/esm', '--loader', 'tsx', '-r', 'tsx/cjs'])).toEqual([]);
  });

  it('keeps other loaders and options whose values merely contain "tsx"', () => {
    const argv = [
      '--import',
      './setup.mjs',
      '--require',
      'dotenv/config',
      '--title=tsx-runner',
      '--import',
      'tsxlike',
    ];
    expect(workerExecArgv(argv)).toEqual(argv);
  });
});
