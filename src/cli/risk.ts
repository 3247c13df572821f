/**
 * `alphalab risk build|show`: the Fama–MacBeth structural risk model of seed 000 (methods.md §6), built
 * as of a date and persisted to `<workspace>/artifacts/risk_model/{date}/` (or `--out`), and shown back.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { isIsoDate } from '../core/calendar.ts';
import { InvalidInputError } from '../core/errors.ts';
import type { Universe } from '../core/universe.ts';
import { readUniverseDir } from '../data/io/directory.ts';
import { generateSyntheticMarket } from '../data/synthetic/index.ts';
import { buildRiskModel, type RiskBuildResult } from '../risk/factor-model/build.ts';
import { type LoadedRiskModel, loadRiskModel } from '../risk/persistence/read.ts';
import { type CliContext, type CliSession, createCliContext } from './context.ts';

/** The universe of `--universe DIR`, or the configured synthetic market when no directory is given. */
export async function universeForCommand(session: CliSession, dir: string | undefined): Promise<Universe> {
  if (dir !== undefined) return readUniverseDir(dir, { logger: session.logger });
  const config = session.config();
  if (config.data.universe !== undefined)
    return readUniverseDir(config.data.universe, { logger: session.logger });
  session.logger.info(config.data.synthetic, 'no --universe: generating the synthetic market');
  return generateSyntheticMarket(config.data.synthetic).universe;
}

/** `<workspace>/artifacts/risk_model`, the default root of persisted risk models. */
export function defaultRiskModelRoot(session: CliSession): string {
  return join(session.config().store.workspace, 'artifacts', 'risk_model');
}

function checkDate(date: string | undefined): void {
  if (date !== undefined && !isIsoDate(date)) {
    throw new InvalidInputError(`--date must be YYYY-MM-DD, got '${date}'`, { where: { field: 'date' } });
  }
}

const num = (x: number, digits = 4) => (Number.isFinite(x) ? x.toPrecision(digits) : String(x));

export function buildSummary(r: RiskBuildResult) {
  const m = r.model;
  return {
    status: r.status,
    ...(r.reason === undefined ? {} : { reason: r.reason }),
    asOf: r.asOf ?? null,
    factors: m?.factors ?? [],
    tickers: m?.tickers.length ?? 0,
    validDates: r.diagnostics.validDates,
    returnDates: r.diagnostics.returnDates,
    skippedDates: m?.skippedDates.length ?? 0,
    skippedLoadings: r.skippedLoadings,
    droppedFactors: r.diagnostics.droppedFactors,
    malformedTickers: r.diagnostics.malformedTickers,
    premia: m?.premia ?? [],
    persistence: r.persistence,
  };
}

function formatBuild(r: RiskBuildResult): string {
  const s = buildSummary(r);
  if (r.status === 'skipped') return `risk model ${s.asOf ?? ''}: skipped — ${s.reason}`;
  const lines = [
    `risk model as of ${s.asOf}: ${s.factors.length} factors × ${s.tickers} tickers, ${s.validDates} of ${s.returnDates} dates valid`,
  ];
  for (const l of s.skippedLoadings) lines.push(`  loading ${l.name} skipped: ${l.reason}`);
  for (const f of s.droppedFactors) lines.push(`  factor ${f.name} dropped: ${f.reason}`);
  if (s.malformedTickers.length > 0) lines.push(`  ${s.malformedTickers.length} malformed tickers skipped`);
  lines.push('  factor            premium/day      t (iid)    t (NW)');
  for (const p of s.premia) {
    lines.push(
      `  ${p.factor.padEnd(16)} ${num(p.mean).padStart(12)} ${num(p.tIid).padStart(10)} ${num(p.tNeweyWest).padStart(9)}`,
    );
  }
  const ps = r.persistence;
  lines.push(
    ps.status === 'written'
      ? `  written to ${ps.path}`
      : ps.status === 'failed'
        ? `  WARNING: ${ps.warning}`
        : `  not written (${ps.status})`,
  );
  return lines.join('\n');
}

export function showSummary(m: LoadedRiskModel) {
  const D = Array.from(m.D).sort((a, b) => a - b);
  const K = m.factors.length;
  return {
    asOf: m.asOf,
    dir: m.dir,
    factors: m.factors,
    tickers: m.tickers.length,
    F: m.factors.map((_, a) => Array.from(m.F.subarray(a * K, (a + 1) * K))),
    specificVariance: { min: D[0] ?? null, median: D[D.length >> 1] ?? null, max: D.at(-1) ?? null },
    validDates: m.metadata.shapes.validDates,
    skippedDates: m.metadata.dates.skipped.length,
    premia: m.metadata.premia,
    files: m.metadata.files,
  };
}

function formatShow(m: LoadedRiskModel): string {
  const s = showSummary(m);
  const lines = [
    `risk model ${s.asOf} (${s.dir}): ${s.factors.length} factors × ${s.tickers} tickers, ${s.validDates} valid dates, checksums verified`,
    `F (factor covariance, per day):`,
    `  ${''.padEnd(16)}${s.factors.map((f) => f.slice(0, 11).padStart(12)).join('')}`,
  ];
  s.F.forEach((row, a) =>
    lines.push(`  ${s.factors[a]!.padEnd(16)}${row.map((x) => num(x, 3).padStart(12)).join('')}`),
  );
  const d = s.specificVariance;
  lines.push(
    `D (specific variance): min ${num(d.min ?? Number.NaN)}, median ${num(d.median ?? Number.NaN)}, max ${num(d.max ?? Number.NaN)}`,
  );
  return lines.join('\n');
}

interface BuildFlags {
  readonly universe?: string;
  readonly date?: string;
  readonly out?: string;
  readonly dryRun?: boolean;
}

/** Registers `risk build` and `risk show`. */
export function registerRiskCommand(program: Command, ctx: CliContext = createCliContext()): Command {
  const risk = program
    .command('risk')
    .description('Fama–MacBeth structural factor risk model: build (and persist) as of a date, or show one')
    .addHelpText(
      'after',
      `
Examples:
  $ alphalab risk build --universe data/sp500 --date 2024-06-28
  $ alphalab risk show 2024-06-28 --json`,
    );
  risk
    .command('build')
    .description('build the risk model as of --date and write F, D, B and metadata.json atomically')
    .option('--universe <dir>', 'universe directory (default: the configured or synthetic market)')
    .option(
      '--date <yyyy-mm-dd>',
      'as-of date; the last trading date on or before it (default: the last date)',
    )
    .option('--out <dir>', 'root of persisted models (default: <workspace>/artifacts/risk_model)')
    .option('--dry-run', 'build without writing anything')
    .addHelpText(
      'after',
      `
Examples:
  $ alphalab risk build --universe data/sp500 --date 2024-06-28 --out artifacts/risk_model
  $ alphalab risk build --dry-run --json`,
    )
    .action(async (opts: BuildFlags, command: Command) => {
      const session = ctx.session(command);
      checkDate(opts.date);
      const universe = await universeForCommand(session, opts.universe);
      const cfg = session.config().risk;
      const result = await buildRiskModel(universe, {
        ...(opts.date === undefined ? {} : { asOf: opts.date }),
        outDir: opts.out ?? defaultRiskModelRoot(session),
        dryRun: opts.dryRun === true,
        minDates: cfg.min_dates,
        minTickers: cfg.min_tickers,
        logger: session.logger,
      });
      if (session.options.json) session.printJson(buildSummary(result));
      else session.print(formatBuild(result));
    });
  risk
    .command('show')
    .description('load a persisted risk model (checksums verified) and print F, D and the premia')
    .argument('<date>', 'as-of date of the model (yyyy-mm-dd)')
    .option('--out <dir>', 'root of persisted models (default: <workspace>/artifacts/risk_model)')
    .addHelpText(
      'after',
      `
Examples:
  $ alphalab risk show 2024-06-28
  $ alphalab risk show 2024-06-28 --out artifacts/risk_model --json`,
    )
    .action(async (date: string, opts: { out?: string }, command: Command) => {
      const session = ctx.session(command);
      checkDate(date);
      const model = await loadRiskModel(opts.out ?? defaultRiskModelRoot(session), date);
      if (session.options.json) session.printJson(showSummary(model));
      else session.print(formatShow(model));
    });
  return risk;
}
