/**
 * Atomic directory writes: everything is written into a fresh temporary directory next to the target
 * (same parent, so the final rename stays on one file system) and renamed into place only when complete.
 * On failure the temporary directory is removed, so a failed conversion leaves nothing half-written.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConflictError } from '../../core/errors.ts';

export interface AtomicDirOptions {
  /** Replace an existing non-empty target (it is swapped out, then removed). Default false. */
  readonly overwrite?: boolean;
}

function isNonEmptyDir(path: string): boolean {
  return existsSync(path) && (!statSync(path).isDirectory() || readdirSync(path).length > 0);
}

/**
 * Calls `fill(tmpDir)` and then moves `tmpDir` to `target`. An existing non-empty target is a
 * ConflictError unless `overwrite`; an existing empty directory is replaced.
 */
export async function writeDirAtomically(
  target: string,
  fill: (tmpDir: string) => Promise<void>,
  options: AtomicDirOptions = {},
): Promise<void> {
  const abs = resolve(target);
  if (isNonEmptyDir(abs) && !options.overwrite) {
    throw new ConflictError(
      'output directory already exists and is not empty (use overwrite to replace it)',
      {
        where: { file: target },
      },
    );
  }
  const parent = dirname(abs);
  mkdirSync(parent, { recursive: true });
  const tag = randomBytes(4).toString('hex');
  const tmp = join(parent, `.${basename(abs)}.tmp-${tag}`);
  mkdirSync(tmp);
  try {
    await fill(tmp);
    if (existsSync(abs)) {
      const old = join(parent, `.${basename(abs)}.old-${tag}`);
      renameSync(abs, old);
      try {
        renameSync(tmp, abs);
      } catch (e) {
        renameSync(old, abs);
        throw e;
      }
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, abs);
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
