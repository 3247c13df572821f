/**
 * Reading the CSV files alphalab writes (returns.csv, ic.csv, …): a header line, comma-separated cells,
 * RFC 4180 quotes allowed. A column whose non-empty cells all parse as numbers is numeric, with empty cells
 * NaN ("no data", the writers' convention); other columns stay text.
 */
import { IntegrityError } from '../../core/errors.ts';

export interface CsvTable {
  readonly columns: readonly string[];
  /** Per column: numbers (NaN for empty) or strings. */
  readonly data: readonly (Float64Array | readonly string[])[];
  readonly rows: number;
}

function splitLine(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cell);
      cell = '';
    } else cell += c;
  }
  out.push(cell);
  return out;
}

const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^[-+]?inf$/;

export function parseCsv(text: string, file: string): CsvTable {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines.length === 0) throw new IntegrityError('CSV file is empty (no header)', { where: { file } });
  const columns = splitLine(lines[0]!);
  const cells = lines.slice(1).map((l, r) => {
    const c = splitLine(l);
    if (c.length !== columns.length)
      throw new IntegrityError(`CSV row has ${c.length} cells, the header ${columns.length}`, {
        where: { file, row: r + 2 },
      });
    return c;
  });
  const data = columns.map((_, j) => {
    const col = cells.map((c) => c[j]!);
    const numeric = col.some((v) => v !== '') && col.every((v) => v === '' || NUMERIC.test(v));
    if (!numeric) return col;
    return Float64Array.from(col, (v) =>
      v === '' ? Number.NaN : v.endsWith('inf') ? (v.startsWith('-') ? -Infinity : Infinity) : Number(v),
    );
  });
  return { columns, data, rows: cells.length };
}

/** Row `r` of the table as an object (NaN and ±∞ → null for JSON). */
export function csvRow(t: CsvTable, r: number): Record<string, string | number | null> {
  const o: Record<string, string | number | null> = {};
  t.columns.forEach((c, j) => {
    const col = t.data[j]!;
    if (col instanceof Float64Array) {
      const v = col[r]!;
      o[c] = Number.isFinite(v) ? v : null;
    } else o[c] = (col as readonly string[])[r]!;
  });
  return o;
}
