/**
 * The shared inputs of a run, content-addressed. The driver encodes `shared` (codec.ts), writes every raw
 * buffer as a blob under its SHA-256 and a small manifest (skeleton + buffer hashes) whose own SHA-256 names
 * the whole input; a buffer already stored (the same universe panel in the next run) is not sent again.
 * A worker loads a manifest once, keeps the verified pristine bytes in a byte-budget LRU keyed by hash, and
 * decodes working copies that the tasks of that run share (write-back.ts restores them after each task).
 */
import { createHash } from 'node:crypto';
import { IntegrityError } from '../../core/errors.ts';
import type { BlobStore } from './blob-store.ts';
import {
  decodeGraph,
  type EncodedGraph,
  encodeGraph,
  type GraphSkeleton,
  materialiseBuffer,
} from './codec.ts';
import { ByteLru } from './lru.ts';

export interface SharedManifest {
  readonly skeleton: GraphSkeleton;
  /** SHA-256 of each raw buffer, in skeleton order. */
  readonly hashes: readonly string[];
}

export interface PublishedShared {
  /** SHA-256 of the manifest: the name of this input everywhere. */
  readonly hash: string;
  readonly encoded: EncodedGraph;
  /** Bytes sent to the store (0 when every blob was already there). */
  readonly bytesWritten: number;
  readonly bytesTotal: number;
}

function bufferBytes(b: ArrayBufferLike): Uint8Array {
  return new Uint8Array(b, 0, b.byteLength);
}

export function sha256Of(bytes: Uint8Array): string {
  // A view over a SharedArrayBuffer is hashed in place (no copy).
  return createHash('sha256').update(bytes).digest('hex');
}

/** Encodes and stores `shared`; returns its manifest hash. */
export async function publishShared(shared: unknown, store: BlobStore): Promise<PublishedShared> {
  const encoded = encodeGraph(shared, 'shared');
  const hashes = encoded.buffers.map((b) => sha256Of(bufferBytes(b)));
  let bytesWritten = 0;
  let bytesTotal = 0;
  const seen = new Set<string>();
  for (let b = 0; b < hashes.length; b++) {
    const bytes = bufferBytes(encoded.buffers[b]!);
    bytesTotal += bytes.byteLength;
    if (seen.has(hashes[b]!)) continue;
    seen.add(hashes[b]!);
    if ((await store.put(hashes[b]!, bytes)) === 'written') bytesWritten += bytes.byteLength;
  }
  const manifest: SharedManifest = { skeleton: encoded.skeleton, hashes };
  const json = Buffer.from(JSON.stringify(manifest), 'utf8');
  const hash = sha256Of(json);
  if ((await store.put(hash, json)) === 'written') bytesWritten += json.byteLength;
  return { hash, encoded, bytesWritten, bytesTotal: bytesTotal + json.byteLength };
}

/** A decoded input as a worker holds it. */
export interface LoadedShared {
  readonly hash: string;
  readonly value: unknown;
  /** The buffers the decoded value views (tasks may write them; write-back restores them). */
  readonly working: readonly ArrayBufferLike[];
  /** Verified bytes as stored, in the same order. */
  readonly pristine: readonly Uint8Array[];
}

export interface SharedCacheStats {
  blobLoads: number;
  blobHits: number;
  manifestLoads: number;
  manifestHits: number;
  bytesLoaded: number;
}

/**
 * Per-worker cache: pristine blobs in a byte-budget LRU (shared across runs that reuse a panel), decoded
 * inputs in a small LRU of their own (their working copies cost as much again).
 */
export class SharedCache {
  readonly #blobs: ByteLru<Uint8Array>;
  readonly #decoded: ByteLru<Promise<LoadedShared>>;
  readonly stats: SharedCacheStats = {
    blobLoads: 0,
    blobHits: 0,
    manifestLoads: 0,
    manifestHits: 0,
    bytesLoaded: 0,
  };

  constructor(budgetBytes: number) {
    this.#blobs = new ByteLru(budgetBytes);
    this.#decoded = new ByteLru(budgetBytes);
  }

  async #blob(store: BlobStore, hash: string): Promise<Uint8Array> {
    const hit = this.#blobs.get(hash);
    if (hit !== undefined) {
      this.stats.blobHits++;
      return hit;
    }
    const bytes = await store.get(hash);
    this.stats.blobLoads++;
    this.stats.bytesLoaded += bytes.byteLength;
    this.#blobs.set(hash, bytes, bytes.byteLength);
    return bytes;
  }

  /** The decoded input `hash`, loading (and verifying) it on first use. */
  load(store: BlobStore, hash: string): Promise<LoadedShared> {
    const hit = this.#decoded.get(hash);
    if (hit !== undefined) {
      this.stats.manifestHits++;
      return hit;
    }
    this.stats.manifestLoads++;
    const p = (async () => {
      const json = await store.get(hash);
      const manifest = JSON.parse(Buffer.from(json).toString('utf8')) as SharedManifest;
      if (manifest.hashes.length !== manifest.skeleton.buffers.length) {
        throw new IntegrityError(
          `manifest ${hash} lists ${manifest.hashes.length} hashes for ${manifest.skeleton.buffers.length} buffers`,
          {
            where: { field: 'manifest' },
          },
        );
      }
      const pristine: Uint8Array[] = [];
      for (const h of manifest.hashes) pristine.push(await this.#blob(store, h));
      const working = pristine.map((bytes, b) => materialiseBuffer(manifest.skeleton.buffers[b]!, bytes));
      const value = decodeGraph(manifest.skeleton, working);
      return { hash, value, working, pristine };
    })();
    // Size unknown until loaded: enter it at 0 so concurrent tasks share the load, then re-enter it sized.
    this.#decoded.set(hash, p, 0);
    p.then(
      (l) =>
        this.#decoded.set(
          hash,
          p,
          l.working.reduce((s, b) => s + b.byteLength, 0),
        ),
      // Larger than any budget: drops the failed load so the next task tries again.
      () => this.#decoded.set(hash, p, Number.POSITIVE_INFINITY),
    );
    return p;
  }
}
