/**
 * Content-addressed artifact store (architecture.md §6): a blob with SHA-256 h lives at
 * `<root>/sha256/<h[0..2]>/<h>`. Blobs are written to a temporary file and renamed, so a crash never leaves
 * a half-written blob under its final name; every read re-hashes the bytes and checks the size, so a
 * tampered or truncated blob is refused with an IntegrityError. Used by the model registry, risk-model
 * persistence, reports and the BullMQ compute backend (inputs travel by hash).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { IntegrityError, InvalidInputError, NotFoundError } from '../core/errors.ts';
import { sha256Hex, tempPathBeside, writeFileAtomic } from './atomic-file.ts';

export interface ArtifactRef {
  /** Lower-case hex SHA-256 of the content. */
  readonly sha256: string;
  readonly sizeBytes: number;
  /** Absolute or workspace-relative path of the stored blob. */
  readonly path: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

async function hashFile(path: string): Promise<{ sha256: string; sizeBytes: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), sizeBytes: size };
}

export class ArtifactStore {
  constructor(readonly root: string) {}

  /** Where the blob with this hash lives (whether or not it exists). */
  pathOf(sha256: string): string {
    if (!HEX64.test(sha256)) throw new InvalidInputError(`'${sha256}' is not a lower-case hex SHA-256`);
    return join(this.root, 'sha256', sha256.slice(0, 2), sha256);
  }

  has(sha256: string): boolean {
    return existsSync(this.pathOf(sha256));
  }

  private async install(tmp: string, ref: { sha256: string; sizeBytes: number }): Promise<ArtifactRef> {
    const path = this.pathOf(ref.sha256);
    if (existsSync(path)) {
      // Same content already stored: keep the existing blob if it is intact, replace it if it is damaged.
      const cur = await hashFile(path);
      if (cur.sha256 === ref.sha256 && cur.sizeBytes === ref.sizeBytes) {
        await rm(tmp, { force: true });
        return { ...ref, path };
      }
    }
    await mkdir(dirname(path), { recursive: true });
    await rename(tmp, path);
    return { ...ref, path };
  }

  /** Stores bytes (or UTF-8 text) and returns their hash, size and path. */
  async put(data: Uint8Array | string): Promise<ArtifactRef> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const ref = { sha256: sha256Hex(bytes), sizeBytes: bytes.length };
    const tmp = tempPathBeside(this.pathOf(ref.sha256));
    await mkdir(dirname(tmp), { recursive: true });
    await writeFileAtomic(tmp, bytes);
    return this.install(tmp, ref);
  }

  /** Copies a file into the store (hashing the copy, so a file changing underneath is caught). */
  async putFile(source: string): Promise<ArtifactRef> {
    if (!existsSync(source))
      throw new NotFoundError(`artifact source file does not exist`, { where: { file: source } });
    await mkdir(this.root, { recursive: true });
    const tmp = tempPathBeside(join(this.root, 'incoming'));
    try {
      await copyFile(source, tmp);
      const ref = await hashFile(tmp);
      return await this.install(tmp, ref);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  /**
   * Reads and verifies a blob. A missing blob is NotFoundError; content whose hash or size differs from
   * what was recorded (tampered, truncated) is IntegrityError.
   */
  async get(sha256: string, expectedSize?: number): Promise<Buffer> {
    const path = this.pathOf(sha256);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (cause) {
      throw new NotFoundError(`artifact ${sha256} is not in the artifact store`, {
        where: { file: path },
        cause,
      });
    }
    if (expectedSize !== undefined && bytes.length !== expectedSize) {
      throw new IntegrityError(
        `artifact ${sha256} has ${bytes.length} bytes, ${expectedSize} were recorded (truncated or replaced)`,
        {
          where: { file: path },
        },
      );
    }
    const actual = sha256Hex(bytes);
    if (actual !== sha256) {
      throw new IntegrityError(
        `artifact ${sha256} fails its checksum (content hashes to ${actual}); it was modified after it was stored`,
        {
          where: { file: path },
        },
      );
    }
    return bytes;
  }

  /** Verifies a blob without keeping its bytes. */
  async verify(sha256: string, expectedSize?: number): Promise<void> {
    const path = this.pathOf(sha256);
    if (!existsSync(path))
      throw new NotFoundError(`artifact ${sha256} is not in the artifact store`, { where: { file: path } });
    const size = (await stat(path)).size;
    if (expectedSize !== undefined && size !== expectedSize) {
      throw new IntegrityError(
        `artifact ${sha256} has ${size} bytes, ${expectedSize} were recorded (truncated or replaced)`,
        {
          where: { file: path },
        },
      );
    }
    const h = await hashFile(path);
    if (h.sha256 !== sha256) {
      throw new IntegrityError(`artifact ${sha256} fails its checksum (content hashes to ${h.sha256})`, {
        where: { file: path },
      });
    }
  }
}
