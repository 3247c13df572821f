import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidInputError } from '../../../src/core/errors.ts';
import { readUniverseDir, writeDirAtomically, writeUniverseDir } from '../../../src/data/index.ts';
import { randomUniverse, tempDir } from './helpers.ts';

describe('atomic universe writes', () => {
  it('leaves nothing behind when a write fails half-way', async () => {
    const { dir, cleanup } = tempDir('atomic');
    try {
      const u = randomUniverse(10, 4, 3);
      // A corrupt event (ticker index outside the universe) fails after daily and series are written.
      const broken = { ...u, events: { ...u.events, ticker: Int32Array.of(0, 1, 99, 0, 1) } };
      const out = join(dir, 'u');
      await expect(writeUniverseDir(broken, out, { format: 'parquet' })).rejects.toBeInstanceOf(
        InvalidInputError,
      );
      expect(readdirSync(dir)).toEqual([]);
      // The same failure while replacing an existing directory keeps the old one intact.
      await writeUniverseDir(u, out, { format: 'csv' });
      const before = readdirSync(out).sort();
      await expect(writeUniverseDir(broken, out, { format: 'parquet', overwrite: true })).rejects.toThrow();
      expect(readdirSync(dir)).toEqual(['u']);
      expect(readdirSync(out).sort()).toEqual(before);
      expect((await readUniverseDir(out)).tickers).toEqual(u.tickers);
    } finally {
      cleanup();
    }
  });

  it('refuses to overwrite a non-empty directory unless asked, then replaces it', async () => {
    const { dir, cleanup } = tempDir('atomic2');
    try {
      const out = join(dir, 'u');
      mkdirSync(out);
      writeFileSync(join(out, 'keep.txt'), 'x');
      await expect(writeDirAtomically(out, async () => {})).rejects.toBeInstanceOf(ConflictError);
      await writeDirAtomically(
        out,
        async (tmp) => {
          writeFileSync(join(tmp, 'new.txt'), 'y');
        },
        { overwrite: true },
      );
      expect(readdirSync(out)).toEqual(['new.txt']);
      expect(readdirSync(dir)).toEqual(['u']);
      expect(existsSync(join(out, 'keep.txt'))).toBe(false);
    } finally {
      cleanup();
    }
  });
});
