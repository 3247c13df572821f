/**
 * Staging: one input file (CSV, gzipped CSV or Parquet) becomes a typed DuckDB temp table with a `__row`
 * column, after the checks that need the raw text: the file exists and has data, the required columns
 * are present, and every numeric cell parses. `__row` is where a user finds the row: the line number in
 * a CSV file (the header is row 1, so the first data row is row 2) and the 1-based record number in a
 * Parquet file.
 */
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { type ErrorLocation, InvalidInputError, NotFoundError } from '../../core/errors.ts';
import { queryFirst, queryRows, runOnFile, sqlIdent, sqlString, toNumber } from './duck.ts';

export type FileFormat = 'csv' | 'parquet';

/** `parquet` for `*.parquet`, `csv` for `*.csv`, `*.csv.gz`, `*.txt` and anything else. */
export function formatOfPath(path: string): FileFormat {
  return path.toLowerCase().endsWith('.parquet') ? 'parquet' : 'csv';
}

export interface StageSpec {
  readonly file: string;
  /** Name of the typed temp table to create. */
  readonly table: string;
  /**
   * Text columns, canonical name → accepted header names (matched case-insensitively, first hit wins).
   * Every one is required; values are trimmed and kept as VARCHAR.
   */
  readonly text: Readonly<Record<string, readonly string[]>>;
  /** Text columns kept when present (NULL allowed), canonical name → accepted header names. */
  readonly optionalText?: Readonly<Record<string, readonly string[]>>;
  /** Numeric columns that must be present (matched case-insensitively); cast to DOUBLE. */
  readonly numeric?: readonly string[];
  /** When true, every column not claimed by `text` is a numeric field too (daily files). */
  readonly restNumeric?: boolean;
  /** Text columns whose value is quoted in error locations, e.g. { ticker: 'ticker', date: 'date' }. */
  readonly locate?: { readonly ticker?: string; readonly date?: string };
}

export interface StagedTable {
  readonly table: string;
  readonly file: string;
  readonly format: FileFormat;
  /** Numeric columns in file order, with their canonical (as written, trimmed) names. */
  readonly numeric: readonly string[];
  /** Optional text columns that were found. */
  readonly optionalText: readonly string[];
  readonly rows: number;
}

/** Location of row `row` of a staged table for an error message: file, row, ticker and date. */
export async function locateRow(
  conn: DuckDBConnection,
  table: string,
  file: string,
  row: number,
  locate: StageSpec['locate'],
  column?: string,
  rowExpr = '__row',
): Promise<ErrorLocation> {
  const cols: string[] = [];
  if (locate?.ticker) cols.push(`CAST(${sqlIdent(locate.ticker)} AS VARCHAR) AS ticker`);
  if (locate?.date) cols.push(`CAST(${sqlIdent(locate.date)} AS VARCHAR) AS date`);
  const where: { file: string; row: number; column?: string; ticker?: string; date?: string } = {
    file: basename(file),
    row,
  };
  if (column !== undefined) where.column = column;
  if (cols.length) {
    const r = await queryFirst(
      conn,
      `SELECT ${cols.join(', ')} FROM ${sqlIdent(table)} WHERE ${rowExpr} = ${row}`,
    );
    if (r?.ticker !== undefined && r.ticker !== null) where.ticker = String(r.ticker).trim();
    if (r?.date !== undefined && r.date !== null) where.date = String(r.date).trim();
  }
  return where;
}

function requireNonEmptyFile(file: string): void {
  if (!existsSync(file)) throw new NotFoundError('input file does not exist', { where: { file } });
  const st = statSync(file);
  if (!st.isFile()) throw new InvalidInputError('input path is not a file', { where: { file } });
  if (st.size === 0) throw new InvalidInputError('input file is empty', { where: { file } });
}

/** Loads `spec.file` into `spec.table` (typed) after the text-level checks described in the module comment. */
export async function stageFile(conn: DuckDBConnection, spec: StageSpec): Promise<StagedTable> {
  const { file } = spec;
  requireNonEmptyFile(file);
  const format = formatOfPath(file);
  const raw = `${spec.table}__raw`;
  // Parquet is typed already, so it is staged through a view (no copy); CSV is copied as text first so
  // that the checks below see each cell as written. `rowid` of a table created from read_csv follows the
  // file order (DuckDB preserves insertion order), so no row-numbering window is needed.
  const reader =
    format === 'parquet'
      ? `CREATE OR REPLACE TEMP VIEW ${sqlIdent(raw)} AS SELECT (file_row_number + 1)::BIGINT AS __row, * EXCLUDE (file_row_number) FROM read_parquet(${sqlString(file)}, file_row_number = true)`
      : `CREATE OR REPLACE TEMP TABLE ${sqlIdent(raw)} AS SELECT * FROM read_csv(${sqlString(file)}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')`;
  await runOnFile(conn, reader, file, `read ${format.toUpperCase()}`);
  try {
    return await typeStagedTable(conn, spec, raw, format);
  } finally {
    await conn.run(
      format === 'parquet' ? `DROP VIEW IF EXISTS ${sqlIdent(raw)}` : `DROP TABLE IF EXISTS ${sqlIdent(raw)}`,
    );
  }
}

async function typeStagedTable(
  conn: DuckDBConnection,
  spec: StageSpec,
  raw: string,
  format: FileFormat,
): Promise<StagedTable> {
  const { file } = spec;
  const rowExpr = format === 'parquet' ? '__row' : '(rowid + 2)';
  const described = await queryRows(conn, `DESCRIBE ${sqlIdent(raw)}`);
  const columns = described.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  const header = columns.filter((c) => c.name !== '__row');
  const rowsRow = await queryFirst(conn, `SELECT count(*) AS n FROM ${sqlIdent(raw)}`);
  const rows = toNumber(rowsRow?.n);
  if (rows === 0)
    throw new InvalidInputError('input file has a header but no data rows', { where: { file } });

  const findColumn = (accepted: readonly string[]) => {
    for (const a of accepted) {
      const hit = header.find((c) => c.name.trim().toLowerCase() === a.toLowerCase());
      if (hit) return hit;
    }
    return undefined;
  };
  const textSources = new Map<string, { name: string; type: string }>();
  const missing: string[] = [];
  for (const [canonical, accepted] of Object.entries(spec.text)) {
    const hit = findColumn(accepted);
    if (hit) textSources.set(canonical, hit);
    else missing.push(canonical);
  }
  const optionalSources = new Map<string, { name: string; type: string }>();
  for (const [canonical, accepted] of Object.entries(spec.optionalText ?? {})) {
    const hit = findColumn(accepted);
    if (hit) optionalSources.set(canonical, hit);
  }
  const claimed = new Set([...textSources.values(), ...optionalSources.values()].map((c) => c.name));
  let numeric: { name: string; type: string; canonical: string }[];
  if (spec.restNumeric) {
    numeric = header.filter((c) => !claimed.has(c.name)).map((c) => ({ ...c, canonical: c.name.trim() }));
  } else {
    numeric = [];
    for (const n of spec.numeric ?? []) {
      const hit = findColumn([n]);
      if (hit) numeric.push({ ...hit, canonical: n });
      else missing.push(n);
    }
  }
  if (missing.length) {
    throw new InvalidInputError(
      `missing required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} (the header has: ${header.map((c) => c.name).join(', ')})`,
      { where: { file, column: missing[0]! } },
    );
  }
  const seen = new Set<string>();
  for (const c of numeric) {
    if (seen.has(c.canonical) || textSources.has(c.canonical)) {
      throw new InvalidInputError(`column '${c.canonical}' appears twice`, {
        where: { file, column: c.canonical },
      });
    }
    seen.add(c.canonical);
  }

  // Locations in errors quote the raw ticker/date text.
  const rawLocate: { ticker?: string; date?: string } = {};
  const tickerSrc = spec.locate?.ticker ? textSources.get(spec.locate.ticker) : undefined;
  const dateSrc = spec.locate?.date ? textSources.get(spec.locate.date) : undefined;
  if (tickerSrc) rawLocate.ticker = tickerSrc.name;
  if (dateSrc) rawLocate.date = dateSrc.name;

  const textual = numeric.filter((c) => c.type === 'VARCHAR');
  if (textual.length) {
    // DuckDB's cast accepts digit separators ('1_000'); a CSV number with one is a typo, not a number.
    const badCell = (c: { name: string }) =>
      `(${sqlIdent(c.name)} IS NOT NULL AND (TRY_CAST(${sqlIdent(c.name)} AS DOUBLE) IS NULL OR strpos(${sqlIdent(c.name)}, '_') > 0))`;
    const first = await queryFirst(
      conn,
      `SELECT min(${rowExpr}) AS r FROM ${sqlIdent(raw)} WHERE ${textual.map(badCell).join(' OR ')}`,
    );
    if (first && first.r !== null) {
      const row = toNumber(first.r);
      const cells = await queryFirst(
        conn,
        `SELECT ${textual.map((c, k) => `${badCell(c)} AS b${k}, ${sqlIdent(c.name)} AS v${k}`).join(', ')}
         FROM ${sqlIdent(raw)} WHERE ${rowExpr} = ${row}`,
      );
      const k = textual.findIndex((_, j) => cells?.[`b${j}`] === true);
      const c = textual[Math.max(k, 0)]!;
      const where = await locateRow(conn, raw, file, row, rawLocate, c.canonical, rowExpr);
      throw new InvalidInputError(`'${String(cells?.[`v${Math.max(k, 0)}`])}' is not a number`, { where });
    }
  }

  const select = [`${rowExpr} AS __row`];
  for (const [canonical, src] of textSources) {
    select.push(`NULLIF(trim(CAST(${sqlIdent(src.name)} AS VARCHAR)), '') AS ${sqlIdent(canonical)}`);
  }
  for (const [canonical, src] of optionalSources) {
    select.push(`NULLIF(trim(CAST(${sqlIdent(src.name)} AS VARCHAR)), '') AS ${sqlIdent(canonical)}`);
  }
  for (const c of numeric) select.push(`TRY_CAST(${sqlIdent(c.name)} AS DOUBLE) AS ${sqlIdent(c.canonical)}`);
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${sqlIdent(spec.table)} AS SELECT ${select.join(', ')} FROM ${sqlIdent(raw)}`,
  );

  const textNames = [...textSources.keys()];
  if (numeric.length || textNames.length) {
    const t = sqlIdent(spec.table);
    const infAny = numeric.map((c) => `isinf(${sqlIdent(c.canonical)})`).join(' OR ') || 'false';
    const emptyAny = textNames.map((n) => `${sqlIdent(n)} IS NULL`).join(' OR ') || 'false';
    const first = await queryFirst(
      conn,
      `SELECT min(__row) FILTER (WHERE ${infAny}) AS inf_row, min(__row) FILTER (WHERE ${emptyAny}) AS empty_row FROM ${t}`,
    );
    const infRow = first?.inf_row ?? null;
    const emptyRow = first?.empty_row ?? null;
    // Report whichever problem comes first in the file.
    if (infRow !== null && (emptyRow === null || toNumber(infRow) < toNumber(emptyRow))) {
      const row = toNumber(infRow);
      const r = await queryFirst(conn, `SELECT * FROM ${t} WHERE __row = ${row}`);
      const c = numeric.find((x) => {
        const v = r?.[x.canonical];
        return typeof v === 'number' && !Number.isFinite(v) && !Number.isNaN(v);
      })!;
      const where = await locateRow(conn, spec.table, file, row, spec.locate, c.canonical);
      throw new InvalidInputError(`${String(r?.[c.canonical])} is not a finite number`, { where });
    }
    if (emptyRow !== null) {
      const row = toNumber(emptyRow);
      const r = await queryFirst(conn, `SELECT * FROM ${t} WHERE __row = ${row}`);
      const name = textNames.find((n) => r?.[n] === null)!;
      const where = await locateRow(conn, spec.table, file, row, spec.locate, name);
      throw new InvalidInputError(`empty ${name}`, { where });
    }
  }
  return {
    table: spec.table,
    file,
    format,
    numeric: numeric.map((c) => c.canonical),
    optionalText: [...optionalSources.keys()],
    rows,
  };
}
