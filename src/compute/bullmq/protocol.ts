/**
 * What crosses the network between a driver and the workers (docs/distributed.md): a job per task carrying
 * the run id, the task module reference, the manifest hash of the shared inputs, where the blobs are, the
 * task index and the (small) encoded task; a result carrying the encoded return value, the task's wall time
 * and the byte ranges it wrote into `shared`.
 */
import type { EncodedTaskError } from '../task-error.ts';
import type { BlobStoreRef } from './blob-store.ts';
import type { InlineGraph } from './codec.ts';
import type { ModuleRef } from './module-ref.ts';
import type { BufferWrite } from './write-back.ts';

export const PROTOCOL_VERSION = 1;
export const DEFAULT_PREFIX = 'alphalab';
export const COMPUTE_QUEUE = 'alphalab-compute';
export const COMPUTE_JOB_NAME = 'task';
/** Environment variable carrying the connection and prefix to sandboxed processors. */
export const PROCESSOR_ENV = 'ALPHALAB_BULLMQ_PROCESSOR';

export interface ComputeJobData {
  readonly v: typeof PROTOCOL_VERSION;
  readonly run: string;
  readonly module: ModuleRef;
  /** Manifest hash of `shared`. */
  readonly shared: string;
  readonly store: BlobStoreRef;
  readonly index: number;
  readonly task: InlineGraph;
  readonly writeBack: boolean;
}

export type ComputeJobResult =
  | {
      readonly ok: true;
      readonly result: InlineGraph;
      readonly ms: number;
      readonly writes: readonly BufferWrite[];
      readonly worker: string;
    }
  | { readonly ok: false; readonly error: EncodedTaskError; readonly ms: number; readonly worker: string };

/** Settings a sandboxed processor reads from PROCESSOR_ENV (JSON). */
export interface ProcessorSettings {
  readonly connection: import('bullmq').RedisOptions;
  readonly prefix: string;
  readonly cacheBytes: number;
  readonly worker: string;
  /** Extra schedule handler modules (URLs), for the schedule processor. */
  readonly scheduleHandlerModules?: readonly string[];
}

export function jobId(run: string, index: number): string {
  // BullMQ refuses ':' in custom ids.
  return `${run}.${index}`;
}
