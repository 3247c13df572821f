/**
 * `securities.csv` (`ticker,sector[,name]`, architecture.md §3) and the sectors file that goes with an
 * OHLCV dump (same columns; `Symbol`/`Sector`/`Name` headers are accepted too).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Security } from '../../core/universe.ts';
import { queryRows, sqlIdent } from './duck.ts';
import { stageFile } from './stage.ts';
import { checkUniqueKeys } from './validate.ts';

/** The temp table that holds the staged securities (ticker, sector, name). */
export const SECURITIES_TABLE = 'securities';

/**
 * Reads a `ticker,sector[,name]` file into the temp table `securities` and returns the securities sorted
 * by ticker (UTF-16 order, as `Array.prototype.sort`). Empty ticker or sector and duplicate tickers are
 * InvalidInputErrors naming file and row; a blank name is simply absent.
 */
export async function stageSecurities(conn: DuckDBConnection, file: string): Promise<Security[]> {
  const staged = await stageFile(conn, {
    file,
    table: SECURITIES_TABLE,
    text: { ticker: ['ticker', 'symbol'], sector: ['sector', 'gics sector'] },
    optionalText: { name: ['name', 'security'] },
    numeric: [],
    locate: { ticker: 'ticker' },
  });
  await checkUniqueKeys(conn, staged, ['ticker'], { ticker: 'ticker' });
  const hasName = staged.optionalText.includes('name');
  const rows = await queryRows(
    conn,
    `SELECT ticker, sector${hasName ? ', name' : ''} FROM ${sqlIdent(SECURITIES_TABLE)}`,
  );
  const securities: Security[] = rows.map((r) => {
    const ticker = String(r.ticker);
    const sector = String(r.sector);
    return r.name === undefined || r.name === null
      ? { ticker, sector }
      : { ticker, sector, name: String(r.name) };
  });
  securities.sort((a, b) => (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0));
  return securities;
}
