/**
 * The compute job handler, run inside a worker's sandboxed child (processor.js loads it). Infrastructure
 * failures (Redis, a missing blob, a module that does not load) throw, so BullMQ retries the job with
 * backoff; an error thrown by the task itself is deterministic and comes back as data (`ok: false`), to be
 * rethrown by the driver with its typed class, exactly as the inline backend would.
 */
import { Redis } from 'ioredis';
import { UnavailableError } from '../../core/errors.ts';
import { encodeTaskError } from '../task-error.ts';
import type { TaskModule } from '../types.ts';
import { type BlobStore, type BlobStoreRef, DirBlobStore, RedisBlobStore } from './blob-store.ts';
import { decodeInline, encodeInline } from './codec.ts';
import { resolveModuleRef } from './module-ref.ts';
import {
  type ComputeJobData,
  type ComputeJobResult,
  PROCESSOR_ENV,
  PROTOCOL_VERSION,
  type ProcessorSettings,
} from './protocol.ts';
import { SharedCache } from './shared-inputs.ts';
import { collectAndRevertWrites } from './write-back.ts';

let settings: ProcessorSettings | undefined;
let redis: Redis | undefined;
let cache: SharedCache | undefined;
const stores = new Map<string, BlobStore>();

export function processorSettings(): ProcessorSettings {
  if (settings) return settings;
  const raw = process.env[PROCESSOR_ENV];
  if (!raw)
    throw new UnavailableError(`${PROCESSOR_ENV} is not set: this processor runs under alphalab worker`);
  settings = JSON.parse(raw) as ProcessorSettings;
  return settings;
}

function storeFor(ref: BlobStoreRef): BlobStore {
  const key = ref.kind === 'dir' ? `dir:${ref.dir}` : 'redis';
  let s = stores.get(key);
  if (!s) {
    const cfg = processorSettings();
    if (ref.kind === 'dir') s = new DirBlobStore(ref.dir);
    else {
      redis ??= new Redis({ ...cfg.connection, maxRetriesPerRequest: 3 } as never);
      s = new RedisBlobStore(redis, { prefix: cfg.prefix });
    }
    stores.set(key, s);
  }
  return s;
}

/** The sandboxed processor: BullMQ passes a JSON copy of the job. */
export default async function processComputeJob(job: { data: ComputeJobData }): Promise<ComputeJobResult> {
  const d = job.data;
  const cfg = processorSettings();
  if (d.v !== PROTOCOL_VERSION) {
    throw new UnavailableError(
      `job protocol ${String(d.v)} but this worker speaks ${PROTOCOL_VERSION}: upgrade the workers`,
    );
  }
  cache ??= new SharedCache(cfg.cacheBytes);
  const store = storeFor(d.store);
  const [mod, shared] = await Promise.all([
    import(resolveModuleRef(d.module)) as Promise<TaskModule<unknown, unknown, unknown>>,
    cache.load(store, d.shared),
  ]);
  const task = decodeInline(d.task);
  const t0 = performance.now();
  let result: unknown;
  let error: unknown;
  let failed = false;
  try {
    result = await mod.runTask(task, shared.value, { index: d.index });
  } catch (e) {
    failed = true;
    error = e;
  }
  const ms = performance.now() - t0;
  // Always restore the working copy, also after a failure, so the next task starts from pristine inputs.
  const writes = d.writeBack ? collectAndRevertWrites(shared.working, shared.pristine) : [];
  if (failed) return { ok: false, error: encodeTaskError(error), ms, worker: cfg.worker };
  return { ok: true, result: encodeInline(result, 'result'), ms, writes, worker: cfg.worker };
}

/** For tests and diagnostics: what this process has cached. */
export function cacheStats() {
  return cache?.stats;
}
