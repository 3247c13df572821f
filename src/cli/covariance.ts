/**
 * `alphalab covariance`: the diagnostics table of the covariance estimators (methods.md §5) on one
 * window of a universe — condition number, effective rank, trace and the Frobenius error bound — with the
 * Fama–MacBeth model (§6) as a sixth Σ when asked for.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { isIsoDate, lastIndexAtOrBefore } from '../core/calendar.ts';
import { InvalidInputError, NotFoundError } from '../core/errors.ts';
import type { Panel } from '../core/panel.ts';
import type { Universe } from '../core/universe.ts';
import { returnPanelFromClose } from '../data/io/returns.ts';
import { operatorDiagnostics } from '../risk/covariance/diagnostics.ts';
import { fitCovarianceSuite } from '../risk/covariance/suite.ts';
import {
  COVARIANCE_METHODS,
  type CovarianceDiagnostics,
  type CovarianceMethod,
} from '../risk/covariance/types.ts';
import { CovarianceWindow } from '../risk/covariance/window.ts';
import { restrictFactorCovariance } from '../risk/factor-model/assemble.ts';
import { buildRiskModel } from '../risk/factor-model/build.ts';
import { type CliContext, type CliSession, createCliContext } from './context.ts';
import { universeForCommand } from './risk.ts';

const ALL_METHODS: readonly string[] = [...COVARIANCE_METHODS, 'fama_macbeth'];

function parsePositiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`'${value}' is not a positive integer`);
  }
  return n;
}

function parseMethods(value: string): string[] {
  const list = value.split(',').map((s) => s.trim());
  for (const m of list) {
    if (!ALL_METHODS.includes(m)) {
      throw new InvalidArgumentError(`unknown method '${m}' (choose from ${ALL_METHODS.join(', ')})`);
    }
  }
  return list;
}

/** Simple daily returns: the `return` panel, or derived from `close`. */
export function simpleReturns(u: Universe): Panel {
  const r = u.panels.get('return');
  if (r) return r;
  const close = u.panels.get('close');
  if (close) return returnPanelFromClose(close);
  throw new InvalidInputError('the universe has neither a return nor a close field', {
    where: { field: 'return' },
  });
}

/** The returns panel restricted to `tickers` (a copy), for a window on the factor model's tickers. */
function columnsOf(returns: Panel, tickers: readonly string[]): Panel {
  const N = returns.tickers.length;
  const idx = new Map(returns.tickers.map((t, i) => [t, i] as const));
  const cols = tickers.map((t) => idx.get(t)!);
  const T = returns.dates.length;
  const values = new Float64Array(T * cols.length);
  for (let t = 0; t < T; t++)
    for (let j = 0; j < cols.length; j++) values[t * cols.length + j] = returns.values[t * N + cols[j]!]!;
  return { dates: returns.dates, tickers, values };
}

interface Row extends CovarianceDiagnostics {
  readonly method: string;
  readonly details: Record<string, unknown>;
}

/** Diagnostics of the Fama–MacBeth Σ (default loadings, as of the window's date) on the window's tickers. */
async function factorModelRow(
  universe: Universe,
  returns: Panel,
  window: CovarianceWindow,
  end: number,
  lookback: number,
  session: CliSession,
): Promise<Row> {
  const cfg = session.config().risk;
  const built = await buildRiskModel(universe, {
    asOf: returns.dates[end]!,
    dryRun: true,
    minDates: cfg.min_dates,
    minTickers: cfg.min_tickers,
    logger: session.logger,
  });
  if (built.status !== 'ok') {
    const nan = Number.NaN;
    return {
      method: 'fama_macbeth',
      trace: nan,
      conditionNumber: nan,
      effectiveRank: nan,
      estimationErrorBound: nan,
      relativeErrorBound: nan,
      samplingError: nan,
      spectrum: 'dense',
      details: { skipped: built.reason },
    };
  }
  const r = restrictFactorCovariance(built.model!, window.tickers);
  const w =
    r.missing.length === 0
      ? window
      : CovarianceWindow.fromPanel(columnsOf(returns, r.tickers), { lookback, end });
  return {
    method: 'fama_macbeth',
    ...operatorDiagnostics(r.covariance, w, w.shrinkageStatistics()),
    details: { factors: built.model!.factors.length, tickersWithoutModel: r.missing.length },
  };
}

interface CovarianceFlags {
  readonly universe?: string;
  readonly date?: string;
  readonly lookback?: number;
  readonly methods?: string[];
  readonly factors?: number;
}

export function registerCovarianceCommand(program: Command, ctx: CliContext = createCliContext()): Command {
  return program
    .command('covariance')
    .description(
      'diagnostics of the covariance estimators on one window (condition number, effective rank, …)',
    )
    .option('--universe <dir>', 'universe directory (default: the configured or synthetic market)')
    .option('--date <yyyy-mm-dd>', 'last date of the window (default: the last date)')
    .option(
      '--lookback <n>',
      'window length in days (default: config risk.lookback, 504)',
      parsePositiveInteger,
    )
    .option(
      '--methods <list>',
      `comma-separated, from ${ALL_METHODS.join(', ')} (default: config risk.methods)`,
      parseMethods,
    )
    .option('--factors <k>', 'PCA factors (default: config risk.pca_factors, 15)', parsePositiveInteger)
    .addHelpText(
      'after',
      `
Examples:
  $ alphalab covariance --universe data/sp500 --date 2024-06-28 --lookback 252
  $ alphalab covariance --methods ledoit_wolf,lw2020,fama_macbeth --json`,
    )
    .action(async (opts: CovarianceFlags, command: Command) => {
      const session = ctx.session(command);
      if (opts.date !== undefined && !isIsoDate(opts.date)) {
        throw new InvalidInputError(`--date must be YYYY-MM-DD, got '${opts.date}'`, {
          where: { field: 'date' },
        });
      }
      const cfg = session.config().risk;
      const universe = await universeForCommand(session, opts.universe);
      const returns = simpleReturns(universe);
      const end =
        opts.date === undefined ? returns.dates.length - 1 : lastIndexAtOrBefore(returns.dates, opts.date);
      if (end < 0) {
        throw new NotFoundError(`the universe has no date on or before ${opts.date}`, {
          where: { field: 'date' },
        });
      }
      const wanted: readonly string[] = opts.methods ?? cfg.methods;
      const methods = wanted.filter((m): m is CovarianceMethod =>
        (COVARIANCE_METHODS as readonly string[]).includes(m),
      );
      const lookback = opts.lookback ?? cfg.lookback;
      const suite = fitCovarianceSuite(returns, {
        lookback,
        end,
        methods,
        pcaFactors: opts.factors ?? cfg.pca_factors,
      });
      const w = suite.window;
      const rows: Row[] = [...suite.fits].map(([method, fit]) => ({
        method,
        ...fit.diagnostics(),
        details: Object.fromEntries(
          Object.entries(fit.details as object).map(([k, v]) => [
            k,
            v instanceof Float64Array ? Array.from(v) : v,
          ]),
        ),
      }));
      if (wanted.includes('fama_macbeth'))
        rows.push(await factorModelRow(universe, returns, w, end, lookback, session));
      const out = {
        asOf: returns.dates[end],
        lookback,
        dates: w.T,
        stocks: w.p,
        excluded: w.excluded.length,
        droppedDates: w.droppedDates.length,
        estimators: rows,
      };
      if (session.options.json) {
        session.printJson(out);
        return;
      }
      const n = (x: number, d = 4) => (Number.isFinite(x) ? x.toPrecision(d) : String(x));
      const lines = [
        `covariance as of ${out.asOf}: ${w.T} dates × ${w.p} stocks (${w.excluded.length} excluded, ${w.droppedDates.length} dates dropped)`,
        `${'method'.padEnd(14)}${'cond'.padStart(12)}${'eff. rank'.padStart(11)}${'trace'.padStart(12)}${'err. bound'.padStart(12)}${'rel. err'.padStart(10)}  spectrum`,
      ];
      for (const r of rows) {
        lines.push(
          `${r.method.padEnd(14)}${n(r.conditionNumber).padStart(12)}${n(r.effectiveRank).padStart(11)}${n(r.trace).padStart(12)}${n(r.estimationErrorBound).padStart(12)}${n(r.relativeErrorBound, 3).padStart(10)}  ${r.spectrum}`,
        );
      }
      session.print(lines.join('\n'));
    });
}
