/**
 * Checks on a staged (typed) daily table, each run as one vectorised DuckDB query that returns the first
 * offending row, so the error names file, row, column, ticker and date. Missing values are legal.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { InvalidInputError } from '../../core/errors.ts';
import { queryFirst, sqlIdent, toNumber } from './duck.ts';
import { locateRow, type StagedTable } from './stage.ts';

/** Fields that are prices and must be strictly positive when present. */
export const PRICE_FIELDS: readonly string[] = ['open', 'high', 'low', 'close', 'adj_close'];

const DAILY_LOCATE = { ticker: 'ticker', date: 'date' } as const;

/** Every `date` is written `yyyy-mm-dd` and is a real calendar date. */
export async function checkIsoDates(
  conn: DuckDBConnection,
  staged: StagedTable,
  column = 'date',
): Promise<void> {
  const col = sqlIdent(column);
  const bad = await queryFirst(
    conn,
    `SELECT __row, ${col} AS d FROM ${sqlIdent(staged.table)}
     WHERE NOT regexp_full_match(${col}, '\\d{4}-\\d{2}-\\d{2}') OR TRY_CAST(${col} AS DATE) IS NULL
     ORDER BY __row LIMIT 1`,
  );
  if (bad) {
    const where = await locateRow(
      conn,
      staged.table,
      staged.file,
      toNumber(bad.__row),
      { ticker: 'ticker' },
      column,
    );
    throw new InvalidInputError(`'${String(bad.d)}' is not a date of the form yyyy-mm-dd`, {
      where: { ...where, date: String(bad.d) },
    });
  }
}

/** Each key appears at most once; the error names the second occurrence and the row of the first. */
export async function checkUniqueKeys(
  conn: DuckDBConnection,
  staged: StagedTable,
  keys: readonly string[],
  locate: { ticker?: string; date?: string } = DAILY_LOCATE,
): Promise<void> {
  const k = keys.map(sqlIdent).join(', ');
  const t = sqlIdent(staged.table);
  // A hash aggregate answers "any duplicate?" cheaply; only then do we pay for the ordered window.
  const any = await queryFirst(conn, `SELECT 1 AS x FROM ${t} GROUP BY ${k} HAVING count(*) > 1 LIMIT 1`);
  if (!any) return;
  const dup = await queryFirst(
    conn,
    `SELECT __row, first_row FROM (
       SELECT __row, first_value(__row) OVER w AS first_row, row_number() OVER w AS k
       FROM ${t} WINDOW w AS (PARTITION BY ${k} ORDER BY __row)
     ) WHERE k = 2 ORDER BY __row LIMIT 1`,
  );
  const second = toNumber(dup?.__row);
  const where = await locateRow(conn, staged.table, staged.file, second, locate);
  throw new InvalidInputError(
    `duplicate (${keys.join(', ')}): the same key is on row ${toNumber(dup?.first_row)}`,
    {
      where,
    },
  );
}

/** Price fields present in the table are > 0 where not missing. */
export async function checkPositivePrices(conn: DuckDBConnection, staged: StagedTable): Promise<void> {
  for (const field of staged.numeric) {
    if (!PRICE_FIELDS.includes(field.toLowerCase())) continue;
    const col = sqlIdent(field);
    const bad = await queryFirst(
      conn,
      `SELECT __row, ${col} AS v FROM ${sqlIdent(staged.table)} WHERE ${col} <= 0 ORDER BY __row LIMIT 1`,
    );
    if (bad) {
      const where = await locateRow(
        conn,
        staged.table,
        staged.file,
        toNumber(bad.__row),
        DAILY_LOCATE,
        field,
      );
      throw new InvalidInputError(`price ${String(bad.v)} is not positive`, { where });
    }
  }
}

/** Every ticker of the daily table has a row in the securities table `securitiesTable`. */
export async function checkKnownTickers(
  conn: DuckDBConnection,
  staged: StagedTable,
  securitiesTable: string,
  securitiesFile: string,
): Promise<void> {
  const bad = await queryFirst(
    conn,
    `SELECT min(d.__row) AS r FROM ${sqlIdent(staged.table)} d
     ANTI JOIN ${sqlIdent(securitiesTable)} s ON d.ticker = s.ticker`,
  );
  if (bad && bad.r !== null) {
    const where = await locateRow(conn, staged.table, staged.file, toNumber(bad.r), DAILY_LOCATE);
    throw new InvalidInputError(`ticker ${where.ticker} has no sector in ${securitiesFile}`, { where });
  }
}
