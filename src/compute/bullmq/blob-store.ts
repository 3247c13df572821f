/**
 * Content-addressed blob stores for the shared inputs of a BullMQ run: the driver writes each blob once
 * under its SHA-256, workers read it and check the hash on every load (architecture.md §6). Two stores:
 * Redis itself (the default: nothing else to set up across machines) and a directory (an NFS mount or any
 * shared path), written to a temporary file and renamed so a reader never sees half a blob.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { IntegrityError, InvalidInputError, NotFoundError } from '../../core/errors.ts';

export interface BlobStore {
  /** Stores `bytes` under `hash` unless present (then only refreshes its expiry). */
  put(hash: string, bytes: Uint8Array): Promise<'written' | 'present'>;
  /** The bytes of `hash`, verified; NotFoundError when absent, IntegrityError when corrupt. */
  get(hash: string): Promise<Uint8Array>;
}

/** Where workers find the blobs; travels in every job. */
export type BlobStoreRef = { readonly kind: 'redis' } | { readonly kind: 'dir'; readonly dir: string };

const HASH_RE = /^[0-9a-f]{64}$/;

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function checkHash(hash: string): void {
  if (!HASH_RE.test(hash))
    throw new InvalidInputError(`blob hash must be 64 hex digits, got '${hash}'`, {
      where: { field: 'hash' },
    });
}

function verify(hash: string, bytes: Uint8Array, where: string): Uint8Array {
  const got = sha256Hex(bytes);
  if (got !== hash) {
    throw new IntegrityError(`blob ${hash} read from ${where} hashes to ${got}`, {
      where: { field: 'hash' },
    });
  }
  return bytes;
}

/** Redis values are capped at 512 MB; chunks of 32 MB also keep single commands short. */
export const REDIS_BLOB_CHUNK_BYTES = 32 * 1024 * 1024;

export interface RedisBlobStoreOptions {
  /** Key prefix, e.g. `alphalab`; blobs live under `<prefix>:blob:<sha256>`. */
  readonly prefix: string;
  /** Expiry of a blob after its last use by a driver; default one day. */
  readonly ttlSeconds?: number;
  readonly chunkBytes?: number;
}

export class RedisBlobStore implements BlobStore {
  readonly #ttl: number;
  readonly #chunk: number;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisBlobStoreOptions,
  ) {
    this.#ttl = options.ttlSeconds ?? 86_400;
    this.#chunk = options.chunkBytes ?? REDIS_BLOB_CHUNK_BYTES;
  }

  #key(hash: string, chunk?: number): string {
    return chunk === undefined
      ? `${this.options.prefix}:blob:${hash}`
      : `${this.options.prefix}:blob:${hash}:${chunk}`;
  }

  async put(hash: string, bytes: Uint8Array): Promise<'written' | 'present'> {
    checkHash(hash);
    const meta = await this.redis.get(this.#key(hash));
    const chunks = Math.max(1, Math.ceil(bytes.byteLength / this.#chunk));
    if (meta !== null) {
      const m = this.redis.multi().expire(this.#key(hash), this.#ttl);
      for (let c = 0; c < chunks; c++) m.expire(this.#key(hash, c), this.#ttl);
      await m.exec();
      return 'present';
    }
    for (let c = 0; c < chunks; c++) {
      const part = bytes.subarray(c * this.#chunk, Math.min(bytes.byteLength, (c + 1) * this.#chunk));
      await this.redis.set(
        this.#key(hash, c),
        Buffer.from(part.buffer as ArrayBuffer, part.byteOffset, part.byteLength),
        'EX',
        this.#ttl,
      );
    }
    // The meta key is written last: its presence means every chunk is there.
    await this.redis.set(
      this.#key(hash),
      JSON.stringify({ bytes: bytes.byteLength, chunks }),
      'EX',
      this.#ttl,
    );
    return 'written';
  }

  async get(hash: string): Promise<Uint8Array> {
    checkHash(hash);
    const meta = await this.redis.get(this.#key(hash));
    if (meta === null)
      throw new NotFoundError(`blob ${hash} is not in Redis (expired or never written)`, {
        where: { field: 'hash' },
      });
    const { bytes, chunks } = JSON.parse(meta) as { bytes: number; chunks: number };
    const out = Buffer.allocUnsafe(bytes);
    let at = 0;
    for (let c = 0; c < chunks; c++) {
      const part = await this.redis.getBuffer(this.#key(hash, c));
      if (part === null)
        throw new NotFoundError(`chunk ${c} of blob ${hash} is missing`, { where: { field: 'hash' } });
      part.copy(out, at);
      at += part.byteLength;
    }
    if (at !== bytes)
      throw new IntegrityError(`blob ${hash} has ${at} bytes, expected ${bytes}`, {
        where: { field: 'hash' },
      });
    return verify(hash, out, 'Redis');
  }
}

export class DirBlobStore implements BlobStore {
  constructor(readonly dir: string) {}

  #path(hash: string): string {
    return join(this.dir, hash.slice(0, 2), hash);
  }

  async put(hash: string, bytes: Uint8Array): Promise<'written' | 'present'> {
    checkHash(hash);
    const path = this.#path(hash);
    try {
      const s = await stat(path);
      if (s.size === bytes.byteLength) return 'present';
    } catch {
      // absent: write it below
    }
    await mkdir(join(this.dir, hash.slice(0, 2)), { recursive: true });
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, bytes);
      await rename(tmp, path);
    } catch (e) {
      await unlink(tmp).catch(() => {});
      throw e;
    }
    return 'written';
  }

  async get(hash: string): Promise<Uint8Array> {
    checkHash(hash);
    const path = this.#path(hash);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (e) {
      throw new NotFoundError(`blob ${hash} is not in ${this.dir}`, { where: { file: path }, cause: e });
    }
    return verify(hash, bytes, path);
  }
}
