/** Types of the model registry (seeds 003 and 004 together). */
import type { JsonValue } from '../features/types.ts';

export const DATASET_TYPES = ['train', 'val', 'test', 'backtest', 'live'] as const;
export type DatasetType = (typeof DATASET_TYPES)[number];

export interface ModelInfo {
  readonly modelId: string;
  readonly name: string;
  readonly version: number;
  readonly strategyType: string | null;
  readonly description: string | null;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly createdBy: string | null;
}

export interface ModelVersionInfo extends ModelInfo {
  readonly active: boolean;
}

export interface MetricRecord {
  readonly metricName: string;
  /** NaN when the metric was undefined (stored as NULL). */
  readonly value: number;
  readonly datasetType: DatasetType;
  readonly evaluatedAt: number;
}

export interface BestModel {
  readonly model: ModelInfo;
  /** The ranking metric's value. */
  readonly value: number;
  /** Latest value of every metric of the model, keyed `<metric>_<dataset>` as in seed 004. */
  readonly metrics: Readonly<Record<string, number>>;
}

export interface ArtifactInfo {
  readonly artifactId: string;
  readonly modelId: string;
  readonly artifactType: string;
  readonly name: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly createdAt: number;
}

export type TrainingStatus = 'running' | 'completed' | 'failed';

export interface TrainingRunInput {
  readonly params?: JsonValue;
  /** Dataset range, epoch ms or ISO text with a zone. */
  readonly datasetStart?: number | string;
  readonly datasetEnd?: number | string;
  /** Training-set fingerprint (features/export.ts). */
  readonly dataFingerprint?: string;
  /** Code version (git SHA). */
  readonly codeVersion?: string;
  readonly runId?: string;
}

export interface TrainingRun {
  readonly runId: string;
  readonly modelId: string | null;
  readonly params: JsonValue;
  readonly datasetStart: number;
  readonly datasetEnd: number;
  readonly dataFingerprint: string | null;
  readonly codeVersion: string | null;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly status: TrainingStatus;
  readonly error: string | null;
}

export type StageAction = 'promote' | 'rollback' | 'deactivate';

/** One entry of the append-only stage history. */
export interface StageEvent {
  readonly seq: number;
  readonly name: string;
  /** The version active after this change; null after a deactivation. */
  readonly version: number | null;
  readonly action: StageAction;
  readonly changedAt: number;
  readonly changedBy: string;
  readonly reason: string | null;
}

export interface StageChange {
  /** Who made the change (user or job). */
  readonly by: string;
  readonly reason?: string;
}
