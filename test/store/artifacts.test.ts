import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IntegrityError, InvalidInputError, NotFoundError } from '../../src/core/errors.ts';
import { ArtifactStore } from '../../src/store/artifacts.ts';
import { sha256Hex, writeFileAtomic } from '../../src/store/atomic-file.ts';

const dirs: string[] = [];
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'alphalab-art-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('sha256Hex', () => {
  it('matches the FIPS 180-2 test vector and node:crypto', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const b = Buffer.from([0, 1, 2, 255]);
    expect(sha256Hex(b)).toBe(createHash('sha256').update(b).digest('hex'));
  });
});

describe('writeFileAtomic', () => {
  it('creates parents, replaces the file whole and leaves no temp files', async () => {
    const d = dir();
    const p = join(d, 'a', 'b', 'out.json');
    await writeFileAtomic(p, '{"v":1}');
    await writeFileAtomic(p, '{"v":2}');
    expect(readFileSync(p, 'utf8')).toBe('{"v":2}');
    expect(readdirSync(join(d, 'a', 'b'))).toEqual(['out.json']);
  });
});

describe('ArtifactStore', () => {
  it('stores content at sha256/<2>/<hash>, deduplicates, and verifies on read', async () => {
    const s = new ArtifactStore(join(dir(), 'artifacts'));
    const a = await s.put('hello');
    expect(a.sha256).toBe(sha256Hex('hello'));
    expect(a.sizeBytes).toBe(5);
    expect(a.path).toBe(join(s.root, 'sha256', a.sha256.slice(0, 2), a.sha256));
    expect((await s.put(Buffer.from('hello'))).path).toBe(a.path);
    expect((await s.get(a.sha256, 5)).toString()).toBe('hello');
    await s.verify(a.sha256, 5);
    expect(readdirSync(join(s.root, 'sha256', a.sha256.slice(0, 2)))).toEqual([a.sha256]);
  });

  it('copies files in and an empty file is a valid artifact', async () => {
    const d = dir();
    const s = new ArtifactStore(join(d, 'artifacts'));
    writeFileSync(join(d, 'w.bin'), Buffer.alloc(70_000, 7));
    const r = await s.putFile(join(d, 'w.bin'));
    expect(r.sizeBytes).toBe(70_000);
    expect(r.sha256).toBe(sha256Hex(Buffer.alloc(70_000, 7)));
    writeFileSync(join(d, 'empty'), '');
    const e = await s.putFile(join(d, 'empty'));
    expect(e.sizeBytes).toBe(0);
    expect((await s.get(e.sha256, 0)).length).toBe(0);
    await expect(s.putFile(join(d, 'missing'))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses tampered and truncated blobs, and repairs a damaged blob when the content is put again', async () => {
    const s = new ArtifactStore(join(dir(), 'artifacts'));
    const a = await s.put('0123456789');
    writeFileSync(a.path, '0123456780');
    await expect(s.get(a.sha256, 10)).rejects.toBeInstanceOf(IntegrityError);
    await expect(s.verify(a.sha256)).rejects.toBeInstanceOf(IntegrityError);
    writeFileSync(a.path, '01234');
    await expect(s.get(a.sha256, 10)).rejects.toThrow(/5 bytes, 10 were recorded/);
    await expect(s.get(a.sha256)).rejects.toBeInstanceOf(IntegrityError);
    await s.put('0123456789');
    expect((await s.get(a.sha256, 10)).toString()).toBe('0123456789');
  });

  it('rejects malformed hashes and reports missing blobs', async () => {
    const s = new ArtifactStore(join(dir(), 'artifacts'));
    expect(() => s.pathOf('ABC')).toThrow(InvalidInputError);
    expect(() => s.pathOf('../'.padEnd(64, 'a'))).toThrow(InvalidInputError);
    await expect(s.get('a'.repeat(64))).rejects.toBeInstanceOf(NotFoundError);
    expect(s.has('a'.repeat(64))).toBe(false);
    expect(existsSync(s.root)).toBe(false);
  });
});
