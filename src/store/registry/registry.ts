/**
 * Model registry (seeds 003 and 004 together): versioned models with metrics, content-addressed
 * artifacts, training runs, and an append-only stage history (registry/stages.ts). Versions are
 * auto-incremented per name inside a transaction that holds a per-name lock (PostgreSQL advisory lock;
 * DuckDB admits one writer), and the UNIQUE (name, version) constraint backs it up.
 */
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { ConflictError, InvalidInputError, NotFoundError } from '../../core/errors.ts';
import type { ArtifactStore } from '../artifacts.ts';
import type { SqlRow, SqlSession, StoreEngine } from '../engine.ts';
import { toInstant } from '../features/encode.ts';
import type { JsonValue } from '../features/types.ts';
import { StageLog } from './stages.ts';
import {
  type ArtifactInfo,
  type BestModel,
  DATASET_TYPES,
  type DatasetType,
  type MetricRecord,
  type ModelInfo,
  type ModelVersionInfo,
  type StageChange,
  type StageEvent,
  type TrainingRun,
  type TrainingRunInput,
  type TrainingStatus,
} from './types.ts';

export interface RegisterOptions {
  readonly strategyType?: string;
  readonly description?: string;
  readonly createdBy?: string;
  /** Training parameters; when given, a completed training run records them (as seed 004 does). */
  readonly params?: JsonValue;
}

export interface RegistryOptions {
  /** Clock in epoch ms, for tests of the history; defaults to Date.now. */
  readonly clock?: () => number;
}

type Row = SqlRow;

export class ModelRegistry {
  readonly stages: StageLog;
  private readonly clock: () => number;

  constructor(
    private readonly engine: StoreEngine,
    private readonly artifacts: ArtifactStore,
    options: RegistryOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.stages = new StageLog(engine, this.clock);
  }

  private nowIso(): string {
    return new Date(this.clock()).toISOString();
  }

  private modelSelect(): string {
    return `SELECT model_id, name, version, strategy_type, description, ${this.engine.dialect.msOf('created_at')} AS created_at, created_by FROM models`;
  }

  private toModel(r: Row): ModelInfo {
    return {
      modelId: String(r.model_id),
      name: String(r.name),
      version: Number(r.version),
      strategyType: r.strategy_type === null ? null : String(r.strategy_type),
      description: r.description === null ? null : String(r.description),
      createdAt: Number(r.created_at),
      createdBy: r.created_by === null ? null : String(r.created_by),
    };
  }

  /** Registers the next version of `name` (1, 2, …). */
  async register(name: string, options: RegisterOptions = {}): Promise<ModelInfo> {
    if (typeof name !== 'string' || !/^[A-Za-z0-9_.:-]+$/.test(name)) {
      throw new InvalidInputError(`model name '${name}' must be non-empty and use letters, digits, _ . : -`);
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.engine.transaction(async (tx) => {
          if (this.engine.dialect.keyLockSql)
            await tx.query(this.engine.dialect.keyLockSql, [`model:${name}`]);
          const modelId = randomUUID();
          await tx.query(
            `INSERT INTO models (model_id, name, version, strategy_type, description, created_at, created_by)
             SELECT $1, $2, COALESCE(MAX(version), 0) + 1, $3, $4, CAST($5 AS TIMESTAMPTZ), $6 FROM models WHERE name = $2`,
            [
              modelId,
              name,
              options.strategyType ?? null,
              options.description ?? null,
              this.nowIso(),
              options.createdBy ?? null,
            ],
          );
          if (options.params !== undefined) {
            await this.insertRun(tx, modelId, { params: options.params }, 'completed');
          }
          const [row] = await tx.query(`${this.modelSelect()} WHERE model_id = $1`, [modelId]);
          return this.toModel(row!);
        });
      } catch (e) {
        // A concurrent registration took the same version number; try again with the next one.
        const unique = /unique|duplicate|constraint/i.test(e instanceof Error ? e.message : '');
        if (!unique || attempt >= 5) throw e;
      }
    }
  }

  async getModel(name: string, version?: number): Promise<ModelInfo | null> {
    const rows =
      version === undefined
        ? await this.engine.query(`${this.modelSelect()} WHERE name = $1 ORDER BY version DESC LIMIT 1`, [
            name,
          ])
        : await this.engine.query(`${this.modelSelect()} WHERE name = $1 AND version = $2`, [name, version]);
    return rows.length ? this.toModel(rows[0]!) : null;
  }

  /** Like getModel but a missing model is a NotFoundError. */
  async requireModel(name: string, version?: number): Promise<ModelInfo> {
    const m = await this.getModel(name, version);
    if (!m)
      throw new NotFoundError(
        version === undefined
          ? `model '${name}' is not registered`
          : `model '${name}' has no version ${version}`,
      );
    return m;
  }

  async getModelById(modelId: string): Promise<ModelInfo> {
    const rows = await this.engine.query(`${this.modelSelect()} WHERE model_id = $1`, [modelId]);
    if (!rows.length) throw new NotFoundError(`no model with id ${modelId}`);
    return this.toModel(rows[0]!);
  }

  /** Every registered name with its newest version. */
  async listModels(): Promise<ModelInfo[]> {
    const rows = await this.engine.query(
      `${this.modelSelect()} m WHERE version = (SELECT MAX(version) FROM models x WHERE x.name = m.name) ORDER BY name`,
    );
    return rows.map((r) => this.toModel(r));
  }

  /** Records metrics; NaN (undefined metric) is stored as NULL, ±Infinity is refused. */
  async logMetrics(
    modelId: string,
    metrics: Readonly<Record<string, number>>,
    datasetType: DatasetType,
  ): Promise<void> {
    if (!DATASET_TYPES.includes(datasetType)) {
      throw new InvalidInputError(
        `dataset type must be one of ${DATASET_TYPES.join(', ')}, got '${datasetType}'`,
      );
    }
    await this.getModelById(modelId);
    const entries = Object.entries(metrics);
    for (const [k, v] of entries) {
      if (typeof v !== 'number' || v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) {
        throw new InvalidInputError(`metric '${k}' must be a finite number or NaN, got ${v}`, {
          where: { field: k },
        });
      }
    }
    const at = this.nowIso();
    await this.engine.transaction(async (tx) => {
      for (const [k, v] of entries) {
        await tx.query(
          `INSERT INTO model_metrics (model_id, metric_name, value, dataset_type, evaluated_at) VALUES ($1, $2, $3, $4, CAST($5 AS TIMESTAMPTZ))`,
          [modelId, k, Number.isNaN(v) ? null : v, datasetType, at],
        );
      }
    });
  }

  async getMetrics(modelId: string): Promise<MetricRecord[]> {
    const rows = await this.engine.query(
      `SELECT metric_name, value, dataset_type, ${this.engine.dialect.msOf('evaluated_at')} AS evaluated_at
       FROM model_metrics WHERE model_id = $1 ORDER BY metric_id`,
      [modelId],
    );
    return rows.map((r) => ({
      metricName: String(r.metric_name),
      value: r.value === null ? Number.NaN : Number(r.value),
      datasetType: r.dataset_type as DatasetType,
      evaluatedAt: Number(r.evaluated_at),
    }));
  }

  /**
   * The model of `strategyType` whose latest value of `metric` on `datasetType` is best; NULL (NaN) values
   * never win; ties go to the newer model. Null when no model has the metric.
   */
  async getBestModel(
    strategyType: string,
    metric: string,
    datasetType: DatasetType,
    higherIsBetter = true,
  ): Promise<BestModel | null> {
    const order = higherIsBetter ? 'DESC' : 'ASC';
    const rows = await this.engine.query(
      `SELECT mm.model_id, mm.value FROM model_metrics mm JOIN models m ON m.model_id = mm.model_id
       WHERE m.strategy_type = $1 AND mm.metric_name = $2 AND mm.dataset_type = $3 AND mm.value IS NOT NULL
         AND mm.metric_id = (SELECT MAX(x.metric_id) FROM model_metrics x
                             WHERE x.model_id = mm.model_id AND x.metric_name = mm.metric_name AND x.dataset_type = mm.dataset_type)
       ORDER BY mm.value ${order}, m.created_at DESC, m.version DESC LIMIT 1`,
      [strategyType, metric, datasetType],
    );
    if (!rows.length) return null;
    const model = await this.getModelById(String(rows[0]!.model_id));
    const metrics: Record<string, number> = {};
    for (const m of await this.getMetrics(model.modelId))
      metrics[`${m.metricName}_${m.datasetType}`] = m.value;
    return { model, value: Number(rows[0]!.value), metrics };
  }

  /** Copies a file (or bytes) into the artifact store and records its SHA-256 and size against the model. */
  async logArtifact(
    modelId: string,
    source: string | { readonly name: string; readonly data: Uint8Array | string },
    artifactType: string,
  ): Promise<ArtifactInfo> {
    await this.getModelById(modelId);
    const ref =
      typeof source === 'string'
        ? await this.artifacts.putFile(source)
        : await this.artifacts.put(source.data);
    const name = typeof source === 'string' ? basename(source) : source.name;
    const artifactId = randomUUID();
    await this.engine.query(
      `INSERT INTO model_artifacts (artifact_id, model_id, artifact_type, name, sha256, size_bytes, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, CAST($7 AS TIMESTAMPTZ))`,
      [artifactId, modelId, artifactType, name, ref.sha256, ref.sizeBytes, this.nowIso()],
    );
    return {
      artifactId,
      modelId,
      artifactType,
      name,
      sha256: ref.sha256,
      sizeBytes: ref.sizeBytes,
      createdAt: Date.parse(this.nowIso()),
    };
  }

  async listArtifacts(modelId: string): Promise<ArtifactInfo[]> {
    const rows = await this.engine.query(
      `SELECT artifact_id, model_id, artifact_type, name, sha256, size_bytes, ${this.engine.dialect.msOf('created_at')} AS created_at
       FROM model_artifacts WHERE model_id = $1 ORDER BY created_at, artifact_id`,
      [modelId],
    );
    return rows.map((r) => ({
      artifactId: String(r.artifact_id),
      modelId: String(r.model_id),
      artifactType: String(r.artifact_type),
      name: String(r.name),
      sha256: String(r.sha256),
      sizeBytes: Number(r.size_bytes),
      createdAt: Number(r.created_at),
    }));
  }

  /** Loads an artifact's bytes, verifying size and SHA-256; a tampered or truncated blob is IntegrityError. */
  async loadArtifact(artifactId: string): Promise<Buffer> {
    const rows = await this.engine.query(
      'SELECT sha256, size_bytes FROM model_artifacts WHERE artifact_id = $1',
      [artifactId],
    );
    if (!rows.length) throw new NotFoundError(`no artifact with id ${artifactId}`);
    return this.artifacts.get(String(rows[0]!.sha256), Number(rows[0]!.size_bytes));
  }

  /** Loads the model's artifact of a type (the newest if several). */
  async loadModelArtifact(modelId: string, artifactType: string): Promise<Buffer> {
    const list = (await this.listArtifacts(modelId)).filter((a) => a.artifactType === artifactType);
    if (!list.length) throw new NotFoundError(`model ${modelId} has no '${artifactType}' artifact`);
    return this.loadArtifact(list[list.length - 1]!.artifactId);
  }

  private async insertRun(
    tx: SqlSession,
    modelId: string | null,
    input: TrainingRunInput,
    status: TrainingStatus,
  ): Promise<string> {
    const runId = input.runId ?? randomUUID();
    const iso = (v: number | string | undefined, what: string) =>
      v === undefined ? null : new Date(toInstant(v, what, 0)).toISOString();
    const now = this.nowIso();
    await tx.query(
      `INSERT INTO model_training_runs (run_id, model_id, params, dataset_start, dataset_end, data_fingerprint, code_version, started_at, finished_at, status)
       VALUES ($1, $2, ${this.engine.dialect.toJson('$3')}, CAST($4 AS TIMESTAMPTZ), CAST($5 AS TIMESTAMPTZ), $6, $7, CAST($8 AS TIMESTAMPTZ), CAST($9 AS TIMESTAMPTZ), $10)`,
      [
        runId,
        modelId,
        JSON.stringify(input.params ?? null),
        iso(input.datasetStart, 'dataset start'),
        iso(input.datasetEnd, 'dataset end'),
        input.dataFingerprint ?? null,
        input.codeVersion ?? null,
        now,
        status === 'running' ? null : now,
        status,
      ],
    );
    return runId;
  }

  /** Opens a training run (status 'running'); `modelId` may be null until the model is registered. */
  async startTrainingRun(modelId: string | null, input: TrainingRunInput = {}): Promise<string> {
    if (modelId !== null) await this.getModelById(modelId);
    return this.engine.transaction((tx) => this.insertRun(tx, modelId, input, 'running'));
  }

  /** Closes a running training run as completed or failed, optionally attaching the model it produced. */
  async finishTrainingRun(
    runId: string,
    status: 'completed' | 'failed',
    options: { modelId?: string; error?: string } = {},
  ): Promise<void> {
    const rows = await this.engine.query(
      `UPDATE model_training_runs SET status = $1, finished_at = CAST($2 AS TIMESTAMPTZ), error = $3, model_id = COALESCE($4, model_id)
       WHERE run_id = $5 AND status = 'running' RETURNING run_id`,
      [status, this.nowIso(), options.error ?? null, options.modelId ?? null, runId],
    );
    if (!rows.length) throw new ConflictError(`training run ${runId} does not exist or is no longer running`);
  }

  async getTrainingRuns(modelId: string): Promise<TrainingRun[]> {
    const d = this.engine.dialect;
    const rows = await this.engine.query(
      `SELECT run_id, model_id, ${d.jsonText('params')} AS params, ${d.msOf('dataset_start')} AS ds, ${d.msOf('dataset_end')} AS de,
              data_fingerprint, code_version, ${d.msOf('started_at')} AS sa, ${d.msOf('finished_at')} AS fa, status, error
       FROM model_training_runs WHERE model_id = $1 ORDER BY started_at, run_id`,
      [modelId],
    );
    return rows.map((r) => ({
      runId: String(r.run_id),
      modelId: r.model_id === null ? null : String(r.model_id),
      params: r.params === null ? null : (JSON.parse(String(r.params)) as JsonValue),
      datasetStart: r.ds === null ? Number.NaN : Number(r.ds),
      datasetEnd: r.de === null ? Number.NaN : Number(r.de),
      dataFingerprint: r.data_fingerprint === null ? null : String(r.data_fingerprint),
      codeVersion: r.code_version === null ? null : String(r.code_version),
      startedAt: Number(r.sa),
      finishedAt: r.fa === null ? Number.NaN : Number(r.fa),
      status: r.status as TrainingStatus,
      error: r.error === null ? null : String(r.error),
    }));
  }

  /** Makes `version` the active version of `name` (deactivating any other). */
  async promote(name: string, version: number, change: StageChange): Promise<StageEvent> {
    await this.requireModel(name, version);
    return this.engine.transaction(async (tx) => {
      if (this.engine.dialect.keyLockSql) await tx.query(this.engine.dialect.keyLockSql, [`stage:${name}`]);
      return this.stages.append(tx, name, version, 'promote', change);
    });
  }

  /** Re-activates `toVersion`, or by default the version active before the current one. */
  async rollback(name: string, change: StageChange & { readonly toVersion?: number }): Promise<StageEvent> {
    if (change.toVersion !== undefined) await this.requireModel(name, change.toVersion);
    return this.engine.transaction(async (tx) => {
      if (this.engine.dialect.keyLockSql) await tx.query(this.engine.dialect.keyLockSql, [`stage:${name}`]);
      const target = change.toVersion ?? (await this.stages.previousVersion(tx, name));
      return this.stages.append(tx, name, target, 'rollback', change);
    });
  }

  /** Leaves `name` with no active version. */
  async deactivate(name: string, change: StageChange): Promise<StageEvent> {
    return this.engine.transaction((tx) => this.stages.append(tx, name, null, 'deactivate', change));
  }

  /** The active version of `name` at `atMs` (default now), or null. */
  async getActive(name: string, atMs?: number): Promise<ModelInfo | null> {
    const ev = await this.stages.at(name, atMs);
    if (!ev || ev.version === null) return null;
    return this.getModel(name, ev.version);
  }

  /** The append-only stage history of `name`, oldest first. */
  history(name: string): Promise<StageEvent[]> {
    return this.stages.history(name);
  }

  /** Every version of `name`, oldest first, flagged with whether it is active now. */
  async listVersions(name: string): Promise<ModelVersionInfo[]> {
    const [rows, active] = [
      await this.engine.query(`${this.modelSelect()} WHERE name = $1 ORDER BY version`, [name]),
      await this.stages.at(name),
    ];
    return rows.map((r) => {
      const m = this.toModel(r);
      return { ...m, active: active?.version === m.version };
    });
  }
}
