/**
 * Benchmark and factor files in the formats they are published in (see /work/shared/data/real/SOURCES.md):
 * Yahoo Finance (`Date,Open,High,Low,Close,Adj Close,Volume`), CBOE VIX history (`DATE` as MM/DD/YYYY,
 * `OPEN,HIGH,LOW,CLOSE`) and Ken French daily factor CSVs (text preamble, a header line starting with
 * `,`, dates YYYYMMDD, values in percent). They are small, so they are parsed here line by line, which
 * also lets every error name its line. Gzipped files (`*.gz`) are accepted.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isIsoDate } from '../../core/calendar.ts';
import { InvalidInputError, NotFoundError } from '../../core/errors.ts';

/** Columns of a dated file, each aligned to `dates` (ISO, strictly increasing after reading). */
export interface DatedColumns {
  readonly file: string;
  readonly dates: readonly string[];
  readonly columns: ReadonlyMap<string, Float64Array>;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const MISSING = new Set(['', 'nan', 'null', 'na', 'n/a', '.']);

function readText(file: string): string {
  if (!existsSync(file)) throw new NotFoundError('input file does not exist', { where: { file } });
  if (statSync(file).size === 0) throw new InvalidInputError('input file is empty', { where: { file } });
  const buf = readFileSync(file);
  return (file.toLowerCase().endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
}

/** A strict number: decimal or exponent notation; missing tokens give NaN; anything else is an error. */
function parseCell(text: string, file: string, row: number, column: string, date?: string): number {
  const s = text.trim();
  if (MISSING.has(s.toLowerCase())) return Number.NaN;
  if (!NUMBER.test(s)) {
    throw new InvalidInputError(`'${s}' is not a number`, {
      where: { file: basename(file), row, column, ...(date ? { date } : {}) },
    });
  }
  const x = Number(s);
  if (!Number.isFinite(x)) {
    throw new InvalidInputError(`${s} is not a finite number`, {
      where: { file: basename(file), row, column, ...(date ? { date } : {}) },
    });
  }
  return x;
}

/**
 * `text` percent → the double nearest to the decimal value: the decimal point is shifted in the text
 * (`-1.35` → `-1.35e-2`) so that `-1.35` gives −0.0135 exactly as written, not −1.35 / 100 =
 * −0.013500000000000002. Missing tokens give NaN.
 */
export function percentTextToDecimal(
  text: string,
  file: string,
  row: number,
  column: string,
  date?: string,
): number {
  const s = text.trim();
  const x = parseCell(s, file, row, column, date);
  if (Number.isNaN(x)) return x;
  const e = s.search(/[eE]/);
  return e < 0 ? Number(`${s}e-2`) : Number(`${s.slice(0, e)}e${Number(s.slice(e + 1)) - 2}`);
}

interface RawRow {
  readonly line: number;
  readonly date: string;
  readonly cells: readonly string[];
}

/** Sorts rows by date (they are usually sorted already), refusing duplicate dates. */
function toColumns(
  file: string,
  header: readonly string[],
  rows: RawRow[],
  parse: typeof parseCell = parseCell,
): DatedColumns {
  if (rows.length === 0) throw new InvalidInputError('input file has no data rows', { where: { file } });
  let sorted = true;
  for (let k = 1; k < rows.length; k++) if (rows[k - 1]!.date >= rows[k]!.date) sorted = false;
  if (!sorted)
    rows = [...rows].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.line - b.line));
  for (let k = 1; k < rows.length; k++) {
    if (rows[k - 1]!.date === rows[k]!.date) {
      throw new InvalidInputError(`duplicate date: also on row ${rows[k - 1]!.line}`, {
        where: { file: basename(file), row: rows[k]!.line, date: rows[k]!.date },
      });
    }
  }
  const columns = new Map<string, Float64Array>();
  header.forEach((name, c) => {
    const v = new Float64Array(rows.length);
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k]!;
      v[k] = parse(r.cells[c] ?? '', file, r.line, name, r.date);
    }
    columns.set(name, v);
  });
  return { file, dates: rows.map((r) => r.date), columns };
}

function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

function requireHeader(file: string, header: readonly string[], needed: readonly string[]): void {
  const missing = needed.filter((n) => !header.includes(n));
  if (missing.length) {
    throw new InvalidInputError(
      `missing required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} (the header has: ${header.join(', ')})`,
      { where: { file, column: missing[0]! } },
    );
  }
}

/**
 * Yahoo Finance daily CSV → columns `open, high, low, close, adj_close, volume` (as present). `null` cells
 * (Yahoo's missing marker) are NaN.
 */
export function readYahooCsv(file: string): DatedColumns {
  const lines = splitLines(readText(file));
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  requireHeader(file, header, ['Date', 'Close']);
  const dateCol = header.indexOf('Date');
  const keep = header
    .map((h, c) => ({ h, c }))
    .filter(({ c }) => c !== dateCol)
    .map(({ h, c }) => ({ name: h.toLowerCase().replace(/\s+/g, '_'), c }));
  const rows: RawRow[] = [];
  for (let k = 1; k < lines.length; k++) {
    const line = lines[k]!;
    if (line.trim() === '') continue;
    const cells = line.split(',');
    const date = (cells[dateCol] ?? '').trim();
    if (!isIsoDate(date)) {
      throw new InvalidInputError(`'${date}' is not a date of the form yyyy-mm-dd`, {
        where: { file: basename(file), row: k + 1, column: 'Date' },
      });
    }
    rows.push({ line: k + 1, date, cells: keep.map(({ c }) => cells[c] ?? '') });
  }
  return toColumns(
    file,
    keep.map((x) => x.name),
    rows,
  );
}

const MDY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** CBOE VIX history (`DATE,OPEN,HIGH,LOW,CLOSE`, dates MM/DD/YYYY) → columns `open, high, low, close`. */
export function readCboeVixCsv(file: string): DatedColumns {
  const lines = splitLines(readText(file));
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toUpperCase());
  requireHeader(file, header, ['DATE', 'CLOSE']);
  const dateCol = header.indexOf('DATE');
  const keep = header.map((h, c) => ({ name: h.toLowerCase(), c })).filter(({ c }) => c !== dateCol);
  const rows: RawRow[] = [];
  for (let k = 1; k < lines.length; k++) {
    const line = lines[k]!;
    if (line.trim() === '') continue;
    const cells = line.split(',');
    const raw = (cells[dateCol] ?? '').trim();
    const m = MDY.exec(raw);
    const date = m ? `${m[3]}-${m[1]!.padStart(2, '0')}-${m[2]!.padStart(2, '0')}` : '';
    if (!m || !isIsoDate(date)) {
      throw new InvalidInputError(`'${raw}' is not a date of the form MM/DD/YYYY`, {
        where: { file: basename(file), row: k + 1, column: 'DATE' },
      });
    }
    rows.push({ line: k + 1, date, cells: keep.map(({ c }) => cells[c] ?? '') });
  }
  return toColumns(
    file,
    keep.map((x) => x.name),
    rows,
  );
}

const YYYYMMDD = /^(\d{4})(\d{2})(\d{2})$/;
/** Ken French's missing-value sentinels in percent (documented in the momentum file's preamble). */
const FF_MISSING = new Set([-99.99, -999]);

/**
 * Ken French daily factor CSV → columns `ff:<name>` in decimals (percent / 100). The header is the first
 * line starting with `,`; data rows are the following lines whose first field is 8 digits (the first
 * block; a second block such as annual data is not read). −99.99 and −999 are NaN. Each value is the
 * double nearest to the decimal (see percentTextToDecimal).
 */
export function readFamaFrenchDailyCsv(file: string): DatedColumns {
  const lines = splitLines(readText(file));
  const h = lines.findIndex((l) => l.startsWith(','));
  if (h < 0) {
    throw new InvalidInputError('no header line starting with "," (not a Ken French CSV?)', {
      where: { file },
    });
  }
  const names = lines[h]!.split(',')
    .slice(1)
    .map((n) => n.trim());
  if (names.some((n) => n === ''))
    throw new InvalidInputError('empty factor name in the header', { where: { file, row: h + 1 } });
  const rows: RawRow[] = [];
  for (let k = h + 1; k < lines.length; k++) {
    const cells = lines[k]!.split(',');
    const m = YYYYMMDD.exec((cells[0] ?? '').trim());
    if (!m) {
      if (rows.length > 0) break;
      continue;
    }
    const date = `${m[1]}-${m[2]}-${m[3]}`;
    if (!isIsoDate(date)) {
      throw new InvalidInputError(`'${cells[0]}' is not a date of the form YYYYMMDD`, {
        where: { file: basename(file), row: k + 1 },
      });
    }
    rows.push({ line: k + 1, date, cells: cells.slice(1) });
  }
  const parseFactor: typeof parseCell = (text, f, row, column, date) =>
    FF_MISSING.has(parseCell(text, f, row, column, date))
      ? Number.NaN
      : percentTextToDecimal(text, f, row, column, date);
  const decimals = toColumns(file, names, rows, parseFactor);
  const columns = new Map<string, Float64Array>();
  for (const [name, v] of decimals.columns) columns.set(`ff:${name}`, v);
  return { file, dates: decimals.dates, columns };
}

/**
 * `values` (on `srcDates`, sorted) re-indexed onto `dates` (sorted): NaN where the source has no row.
 * Linear merge, O(|srcDates| + |dates|).
 */
export function alignToDates(
  srcDates: readonly string[],
  values: Float64Array,
  dates: readonly string[],
): Float64Array {
  const out = new Float64Array(dates.length).fill(Number.NaN);
  let j = 0;
  for (let t = 0; t < dates.length; t++) {
    const d = dates[t]!;
    while (j < srcDates.length && srcDates[j]! < d) j++;
    if (j < srcDates.length && srcDates[j] === d) out[t] = values[j]!;
  }
  return out;
}
