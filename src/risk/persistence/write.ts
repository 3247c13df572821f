/**
 * Risk-model persistence (seed 000 C.2b, architecture.md §6): `{root}/{date}/F.parquet`, `D.parquet`,
 * `B.parquet`, `factor_returns.parquet` and `metadata.json` (build parameters, shapes, dates used and
 * skipped, diagnostics, SHA-256 of every file). Everything is written into a temporary sibling directory
 * and renamed into place, so a reader sees either the old model or the new one, never half of one.
 * risk/ may not import store/ (architecture.md §2), so the files are written here.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeDirAtomically } from '../../data/io/atomic.ts';
import { symmetricEigenvalues } from '../../linalg/index.ts';
import { effectiveNumber } from '../../stats/shrinkage.ts';
import type { FactorRiskModel, FamaMacBethDiagnostics } from '../factor-model/types.ts';
import { writeKeyedParquet } from './parquet.ts';

export const RISK_MODEL_FORMAT = 'alphalab.risk_model';
export const RISK_MODEL_FORMAT_VERSION = 1;
export const RISK_MODEL_FILES = ['F.parquet', 'D.parquet', 'B.parquet', 'factor_returns.parquet'] as const;

export interface RiskModelFileEntry {
  readonly sha256: string;
  readonly bytes: number;
}

export interface RiskModelMetadata {
  readonly format: typeof RISK_MODEL_FORMAT;
  readonly version: number;
  readonly asOf: string;
  readonly createdAt: string;
  readonly buildParameters: Readonly<Record<string, unknown>>;
  readonly shapes: { readonly factors: number; readonly tickers: number; readonly validDates: number };
  readonly factors: readonly string[];
  readonly dates: {
    readonly first: string | null;
    readonly last: string | null;
    readonly count: number;
    /** Every date with a valid cross-section (the rows of factor_returns.parquet). */
    readonly used: readonly string[];
    readonly skipped: readonly { date: string; reason: string; assets: number; condition: number | null }[];
  };
  readonly premia: FactorRiskModel['premia'];
  readonly nwLags: number;
  readonly diagnostics: Readonly<Record<string, unknown>>;
  readonly files: Readonly<Record<string, RiskModelFileEntry>>;
}

export async function sha256File(path: string): Promise<RiskModelFileEntry> {
  const buf = await readFile(path);
  return { sha256: createHash('sha256').update(buf).digest('hex'), bytes: buf.length };
}

export interface WriteRiskModelOptions {
  /** Directory holding one sub-directory per as-of date (default `<workspace>/artifacts/risk_model`). */
  readonly root: string;
  readonly buildParameters?: Readonly<Record<string, unknown>>;
  readonly diagnostics?: FamaMacBethDiagnostics;
  /** Fixed timestamp for reproducible metadata in tests; default now. */
  readonly createdAt?: string;
}

/**
 * Spectral diagnostics of F (condition number, effective rank exp(−Σπ ln π), methods.md §5) and the range
 * of D; all small (K × K and N), so they are computed exactly.
 */
export function factorModelDiagnostics(model: FactorRiskModel): Record<string, number | null> {
  const K = model.factors.length;
  const lambda = symmetricEigenvalues({ rows: K, cols: K, data: model.F }, { symmetryTolerance: 1e-8 });
  const lmax = lambda[K - 1]!;
  const lmin = lambda[0]!;
  const D = Float64Array.from(model.D).sort();
  return {
    factorConditionNumber: lmin > 1e-12 * lmax ? lmax / lmin : null,
    factorEffectiveRank: effectiveNumber(lambda),
    specificVarianceMin: D[0] ?? null,
    specificVarianceMedian: D[D.length >> 1] ?? null,
    specificVarianceMax: D.at(-1) ?? null,
  };
}

/** JSON cannot carry NaN or ±Infinity; they are written as null. */
function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** Writes the model atomically into `{root}/{asOf}/` and returns that directory. Throws on I/O failure. */
export async function writeRiskModel(
  model: FactorRiskModel,
  options: WriteRiskModelOptions,
): Promise<string> {
  const dir = join(options.root, model.asOf);
  await writeDirAtomically(dir, (tmp) => fillRiskModelDir(tmp, model, options), { overwrite: true });
  return dir;
}

async function fillRiskModelDir(
  tmp: string,
  model: FactorRiskModel,
  options: WriteRiskModelOptions,
): Promise<void> {
  const K = model.factors.length;
  await writeKeyedParquet(join(tmp, 'F.parquet'), {
    keyName: 'factor',
    keys: model.factors,
    columnNames: model.factors,
    values: model.F,
  });
  await writeKeyedParquet(join(tmp, 'D.parquet'), {
    keyName: 'ticker',
    keys: model.tickers,
    columnNames: ['specific_variance'],
    values: model.D,
    intColumn: { name: 'observations', values: model.specificObs },
  });
  await writeKeyedParquet(join(tmp, 'B.parquet'), {
    keyName: 'ticker',
    keys: model.tickers,
    columnNames: model.factors,
    values: model.B,
  });
  await writeKeyedParquet(join(tmp, 'factor_returns.parquet'), {
    keyName: 'date',
    keys: model.factorReturnDates,
    columnNames: model.factors,
    values: model.factorReturns,
  });
  const files: Record<string, RiskModelFileEntry> = {};
  for (const f of RISK_MODEL_FILES) files[f] = await sha256File(join(tmp, f));
  const d = options.diagnostics;
  const metadata: RiskModelMetadata = {
    format: RISK_MODEL_FORMAT,
    version: RISK_MODEL_FORMAT_VERSION,
    asOf: model.asOf,
    createdAt: options.createdAt ?? new Date().toISOString(),
    buildParameters: options.buildParameters ?? {},
    shapes: { factors: K, tickers: model.tickers.length, validDates: model.factorReturnDates.length },
    factors: model.factors,
    dates: {
      first: model.factorReturnDates[0] ?? null,
      last: model.factorReturnDates.at(-1) ?? null,
      count: model.factorReturnDates.length,
      used: model.factorReturnDates,
      skipped: model.skippedDates.map((s) => ({
        date: s.date,
        reason: s.reason,
        assets: s.assets,
        condition: finiteOrNull(s.condition),
      })),
    },
    // JSON.stringify writes non-finite premia (e.g. t of a constant series) as null.
    premia: model.premia,
    nwLags: model.nwLags,
    diagnostics: {
      ...factorModelDiagnostics(model),
      ...(d
        ? {
            returnDates: d.returnDates,
            validDates: d.validDates,
            tickersWithAllLoadings: d.tickersWithAllLoadings,
            droppedFactors: d.droppedFactors,
            malformedTickers: d.malformedTickers,
            tickersWithoutLoadings: d.tickersWithoutLoadings.length,
          }
        : {}),
    },
    files,
  };
  await writeFile(join(tmp, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
}
