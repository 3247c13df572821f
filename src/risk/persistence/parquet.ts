/**
 * Minimal Parquet I/O for the risk-model files through @duckdb/node-api, on data/io's short-lived DuckDB
 * session: a table filled by the appender (the bulk path, architecture.md §6), then
 * `COPY … TO … (FORMAT parquet)`.
 */
import {
  sqlIdent as quoteIdent,
  sqlString as quoteLiteral,
  withDuckDB as withConnection,
} from '../../data/io/duck.ts';

/** A table of one VARCHAR key column followed by DOUBLE columns. */
export interface KeyedTable {
  readonly keyName: string;
  readonly keys: readonly string[];
  readonly columnNames: readonly string[];
  /** keys.length × columnNames.length, row-major. */
  readonly values: Float64Array;
  /** Optional extra INTEGER column (e.g. residual observation counts). */
  readonly intColumn?: { readonly name: string; readonly values: Int32Array };
}

export async function writeKeyedParquet(path: string, table: KeyedTable): Promise<void> {
  const { keys, columnNames, values } = table;
  const m = columnNames.length;
  await withConnection(async (c) => {
    const cols = [
      `${quoteIdent(table.keyName)} VARCHAR`,
      ...columnNames.map((n) => `${quoteIdent(n)} DOUBLE`),
      ...(table.intColumn ? [`${quoteIdent(table.intColumn.name)} INTEGER`] : []),
    ];
    await c.run(`CREATE TABLE t (${cols.join(', ')})`);
    const app = await c.createAppender('t');
    try {
      for (let r = 0; r < keys.length; r++) {
        app.appendVarchar(keys[r]!);
        for (let j = 0; j < m; j++) {
          const v = values[r * m + j]!;
          if (Number.isNaN(v)) app.appendNull();
          else app.appendDouble(v);
        }
        if (table.intColumn) app.appendInteger(table.intColumn.values[r]!);
        app.endRow();
      }
      app.flushSync();
    } finally {
      app.closeSync();
    }
    await c.run(`COPY t TO ${quoteLiteral(path)} (FORMAT parquet)`);
  });
}

/** Reads a Parquet file written by `writeKeyedParquet` back, keeping the file's row order. */
export async function readKeyedParquet(path: string, keyName: string, intName?: string): Promise<KeyedTable> {
  return withConnection(async (c) => {
    const reader = await c.runAndReadAll(`SELECT * FROM read_parquet(${quoteLiteral(path)})`);
    const names = reader.columnNames();
    const rows = reader.getRowsJS();
    const keyCol = names.indexOf(keyName);
    const intCol = intName === undefined ? -1 : names.indexOf(intName);
    const valueCols = names.map((_, j) => j).filter((j) => j !== keyCol && j !== intCol);
    const values = new Float64Array(rows.length * valueCols.length);
    const ints = new Int32Array(rows.length);
    const keys = rows.map((row, r) => {
      valueCols.forEach((j, q) => {
        const v = row[j];
        values[r * valueCols.length + q] = v === null || v === undefined ? Number.NaN : Number(v);
      });
      if (intCol >= 0) ints[r] = Number(row[intCol]);
      return keyCol >= 0 ? String(row[keyCol]) : '';
    });
    return {
      keyName: keyCol >= 0 ? keyName : '',
      keys,
      columnNames: valueCols.map((j) => names[j]!),
      values,
      ...(intCol >= 0 && intName !== undefined ? { intColumn: { name: intName, values: ints } } : {}),
    };
  });
}
