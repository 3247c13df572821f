/**
 * Loading a persisted risk model: the metadata is parsed and checked, every file's SHA-256 is verified
 * before it is read, and the shapes of F, D and B are checked against the metadata and each other.
 * Anything damaged is refused with an IntegrityError naming the file (architecture.md §6).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IntegrityError, NotFoundError } from '../../core/errors.ts';
import type { StructuredCovariance } from '../../linalg/index.ts';
import { factorCovarianceOperator } from '../factor-model/assemble.ts';
import { readKeyedParquet } from './parquet.ts';
import { RISK_MODEL_FILES, RISK_MODEL_FORMAT, type RiskModelMetadata, sha256File } from './write.ts';

export interface LoadedRiskModel {
  readonly dir: string;
  readonly metadata: RiskModelMetadata;
  readonly asOf: string;
  readonly factors: readonly string[];
  readonly tickers: readonly string[];
  readonly B: Float64Array;
  readonly F: Float64Array;
  readonly D: Float64Array;
  readonly specificObs: Int32Array;
  readonly factorReturnDates: readonly string[];
  readonly factorReturns: Float64Array;
  covariance(): StructuredCovariance;
}

function integrity(file: string, what: string): IntegrityError {
  return new IntegrityError(`risk model ${what}`, { where: { file } });
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Loads `{root}/{date}/`. Throws NotFoundError if it does not exist, IntegrityError if it is damaged. */
export async function loadRiskModel(root: string, date: string): Promise<LoadedRiskModel> {
  const dir = join(root, date);
  const metaPath = join(dir, 'metadata.json');
  let text: string;
  try {
    text = await readFile(metaPath, 'utf8');
  } catch (cause) {
    throw new NotFoundError(`no risk model for ${date} under ${root}`, {
      where: { file: metaPath, date },
      cause,
    });
  }
  let metadata: RiskModelMetadata;
  try {
    metadata = JSON.parse(text) as RiskModelMetadata;
  } catch (cause) {
    throw new IntegrityError('risk model metadata is not valid JSON', { where: { file: metaPath }, cause });
  }
  if (
    metadata?.format !== RISK_MODEL_FORMAT ||
    typeof metadata.files !== 'object' ||
    !Array.isArray(metadata.factors)
  ) {
    throw integrity(metaPath, `metadata is not an ${RISK_MODEL_FORMAT} record`);
  }
  if (metadata.asOf !== date) throw integrity(metaPath, `metadata is for ${metadata.asOf}, not ${date}`);
  for (const f of RISK_MODEL_FILES) {
    const entry = metadata.files[f];
    const path = join(dir, f);
    if (!entry) throw integrity(metaPath, `metadata has no checksum for ${f}`);
    const actual = await sha256File(path).catch((cause) => {
      throw new IntegrityError(`risk model file ${f} is missing`, { where: { file: path }, cause });
    });
    if (actual.sha256 !== entry.sha256 || actual.bytes !== entry.bytes) {
      throw integrity(
        path,
        `file checksum mismatch: expected sha256 ${entry.sha256}, found ${actual.sha256}`,
      );
    }
  }
  const K = metadata.shapes.factors;
  const N = metadata.shapes.tickers;
  const F = await readKeyedParquet(join(dir, 'F.parquet'), 'factor');
  const D = await readKeyedParquet(join(dir, 'D.parquet'), 'ticker', 'observations');
  const B = await readKeyedParquet(join(dir, 'B.parquet'), 'ticker');
  const fr = await readKeyedParquet(join(dir, 'factor_returns.parquet'), 'date');
  if (F.keys.length !== K || F.columnNames.length !== K || !sameList(F.keys, metadata.factors)) {
    throw integrity(
      join(dir, 'F.parquet'),
      `F is ${F.keys.length}×${F.columnNames.length}, expected ${K}×${K}`,
    );
  }
  if (!sameList(F.columnNames, metadata.factors))
    throw integrity(join(dir, 'F.parquet'), 'F columns do not match');
  if (D.keys.length !== N || D.columnNames.length !== 1) {
    throw integrity(join(dir, 'D.parquet'), `D has ${D.keys.length} rows, expected ${N}`);
  }
  if (B.keys.length !== N || !sameList(B.keys, D.keys) || !sameList(B.columnNames, metadata.factors)) {
    throw integrity(join(dir, 'B.parquet'), `B does not match D's tickers or the ${K} factors`);
  }
  if (fr.keys.length !== metadata.shapes.validDates || !sameList(fr.columnNames, metadata.factors)) {
    throw integrity(join(dir, 'factor_returns.parquet'), 'factor returns do not match the metadata');
  }
  let cached: StructuredCovariance | undefined;
  return Object.freeze({
    dir,
    metadata,
    asOf: date,
    factors: metadata.factors,
    tickers: D.keys,
    B: B.values,
    F: F.values,
    D: D.values,
    specificObs: D.intColumn?.values ?? new Int32Array(N),
    factorReturnDates: fr.keys,
    factorReturns: fr.values,
    covariance(): StructuredCovariance {
      cached ??= factorCovarianceOperator(N, K, B.values, F.values, D.values);
      return cached;
    },
  });
}
