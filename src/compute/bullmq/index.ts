/** The BullMQ compute backend and its worker (docs/api/compute-bullmq.md, docs/distributed.md). */
export { type BullmqBackend, type BullmqBackendOptions, createBullmqBackend } from './backend.ts';
export {
  type BlobStore,
  type BlobStoreRef,
  DirBlobStore,
  RedisBlobStore,
  type RedisBlobStoreOptions,
} from './blob-store.ts';
export {
  decodeGraph,
  decodeInline,
  type EncodedGraph,
  encodeGraph,
  encodeInline,
  type InlineGraph,
} from './codec.ts';
export {
  describeRedis,
  type RedisConnectionInput,
  redactRedisUrl,
  redisOptionsFromUrl,
  resolveRedisOptions,
} from './connection.ts';
export { ByteLru } from './lru.ts';
export { COMPUTE_QUEUE, DEFAULT_PREFIX } from './protocol.ts';
export { type PublishedShared, publishShared, SharedCache } from './shared-inputs.ts';
export {
  type ComputeWorkerOptions,
  DEFAULT_LOCK_DURATION_MS,
  DEFAULT_MAX_STALLED_COUNT,
  DEFAULT_STALLED_INTERVAL_MS,
  startComputeWorker,
  type WorkerHandle,
} from './worker.ts';
export { applyWrites, type BufferWrite, collectAndRevertWrites } from './write-back.ts';
