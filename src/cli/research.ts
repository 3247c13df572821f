/**
 * `alphalab research`: the signal tier of seed 002 on a universe directory or the synthetic market —
 * signals, IC statistics, weights and composite alpha (src/research) — with a ranking table on stdout and
 * ic.csv, ic_series.parquet, weights.csv, decay.csv and report.json in `--out`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { createBullmqBackend } from '../compute/bullmq/index.ts';
import type { BackendName, ComputeBackend } from '../compute/index.ts';
import { InvalidInputError } from '../core/errors.ts';
import type { Universe } from '../core/universe.ts';
import { sqlString, withDuckDB } from '../data/io/duck.ts';
import { readUniverseDir, writeDirAtomically } from '../data/io/index.ts';
import { generateSyntheticMarket } from '../data/synthetic/index.ts';
import { writeResearchOutputs } from '../pipeline/outputs.ts';
import { type ResearchResult, type ResearchStage, runResearch } from '../research/index.ts';
import { type CliContext, type CliSession, createCliContext } from './context.ts';
import { portfolioSummaryTable, runFullResearch } from './research-full.ts';
import { redisFromFlags } from './worker.ts';

interface ResearchFlags {
  readonly until: ResearchStage | 'full';
  readonly universe?: string;
  readonly stocks?: number;
  readonly days?: number;
  readonly seed?: number;
  readonly out?: string;
  readonly overwrite?: boolean;
  readonly backend: BackendName | 'bullmq';
  readonly redis?: string;
  readonly prefix?: string;
  readonly workers?: number;
  readonly variants?: number;
  readonly horizons?: number[];
  readonly top: number;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError(`'${value}' is not a positive integer`);
  return n;
}

function horizonList(value: string): number[] {
  return value.split(',').map((v) => positiveInt(v.trim()));
}

const num = (x: number, d: number) =>
  Number.isFinite(x) ? x.toFixed(d) : Number.isNaN(x) ? 'NaN' : x > 0 ? 'inf' : '-inf';
const csvNum = (x: number) =>
  Number.isNaN(x) ? '' : Number.isFinite(x) ? String(x) : x > 0 ? 'inf' : '-inf';
const json = (x: unknown) =>
  JSON.stringify(
    x,
    (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? (Number.isNaN(v) ? null : String(v)) : v),
    2,
  );

/** The ranking table: each signal at its best horizon by |ICIR_ann| (in-sample), sorted by it. */
export function rankingTable(r: ResearchResult, top: number): string {
  const best = new Map<string, (typeof r.tier.table)[number]>();
  for (const row of r.tier.table) {
    const b = best.get(row.signal);
    if (!Number.isNaN(row.icirAnn) && (!b || Math.abs(row.icirAnn) > Math.abs(b.icirAnn)))
      best.set(row.signal, row);
  }
  const weightOf = new Map(r.weights ? r.weights.names.map((n, j) => [n, r.weights!.weights[j]!]) : []);
  const rows = [...best.values()].sort((a, b) => Math.abs(b.icirAnn) - Math.abs(a.icirAnn)).slice(0, top);
  const head = ['signal', 'h', 'mean IC', 'ICIR_ann', 't_NW', 'hit', 'decay HL', 'Q5-Q1 ann', 'weight'];
  const body = rows.map((x) => [
    x.signal,
    `${x.horizon}d`,
    num(x.meanIc, 4),
    num(x.icirAnn, 2),
    num(x.tNw, 2),
    `${num(100 * x.hitRate, 1)}%`,
    num(x.decayHalfLife, 1),
    `${num(100 * x.q5q1Ann, 2)}%`,
    weightOf.has(x.signal) ? num(weightOf.get(x.signal)!, 3) : '',
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: string[]) =>
    cells.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}

async function writeOutputs(dir: string, r: ResearchResult, report: Record<string, unknown>): Promise<void> {
  const t = r.tier;
  if (t.table.length > 0) {
    const lines = [
      'signal,horizon,mean_ic,ic_sd,icir,icir_ann,t_iid,t_nw,hit_rate,decay_halflife,q5_q1_ann,coverage',
    ];
    for (const x of t.table) {
      lines.push(
        [
          x.signal,
          x.horizon,
          x.meanIc,
          x.icSd,
          x.icir,
          x.icirAnn,
          x.tIid,
          x.tNw,
          x.hitRate,
          x.decayHalfLife,
          x.q5q1Ann,
          x.coverage,
        ]
          .map((v) => (typeof v === 'number' ? csvNum(v) : v))
          .join(','),
      );
    }
    writeFileSync(join(dir, 'ic.csv'), `${lines.join('\n')}\n`);
    const decay = ['signal,horizon,skip,ic,score_decay_ann'];
    for (const x of t.table)
      t.ic.skips.forEach((s, k) =>
        decay.push([x.signal, x.horizon, s, csvNum(x.icDecay[k]!), csvNum(x.scoreDecay[k]!)].join(',')),
      );
    writeFileSync(join(dir, 'decay.csv'), `${decay.join('\n')}\n`);
    await writeIcSeriesParquet(join(dir, 'ic_series.parquet'), r);
  }
  if (r.weights) {
    const w = r.weights;
    const lines = ['signal,horizon,weight,icir,included'];
    w.names.forEach((n, j) =>
      lines.push([n, w.horizon, csvNum(w.weights[j]!), csvNum(w.icir[j]!), w.included.includes(n)].join(',')),
    );
    writeFileSync(join(dir, 'weights.csv'), `${lines.join('\n')}\n`);
  }
  writeFileSync(join(dir, 'report.json'), `${json(report)}\n`);
}

/** Long-format (date, signal, horizon, ic) Parquet through DuckDB's appender. */
async function writeIcSeriesParquet(file: string, r: ResearchResult): Promise<void> {
  const t = r.tier;
  await withDuckDB(async (conn) => {
    await conn.run('CREATE TABLE ic_series (date DATE, signal VARCHAR, horizon INTEGER, ic DOUBLE)');
    const appender = await conn.createAppender('ic_series');
    try {
      t.signals.forEach((s) => {
        s.accumulations.forEach((a) => {
          for (let d = 0; d < a.ic.length; d++) {
            const v = a.ic[d]!;
            if (Number.isNaN(v)) continue;
            appender.appendVarchar(t.context.dates[d]!);
            appender.appendVarchar(s.name);
            appender.appendInteger(a.horizon);
            appender.appendDouble(v);
            appender.endRow();
          }
        });
      });
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    await conn.run(
      `COPY (SELECT * FROM ic_series ORDER BY signal, horizon, date) TO ${sqlString(file)} (FORMAT parquet)`,
    );
  });
}

export function registerResearchCommand(program: Command, ctx: CliContext = createCliContext()): Command {
  return program
    .command('research')
    .description(
      'the research pipeline of seed 002: signals, IC, walk-forward portfolios, evaluation and report',
    )
    .addOption(
      new Option('--until <stage>', 'last stage to run (full: portfolios, backtests and the report)')
        .choices(['signals', 'ic', 'weights', 'full'])
        .default('full'),
    )
    .option('--universe <dir>', 'universe directory (default: the synthetic market)')
    .option('--stocks <n>', 'synthetic market: number of stocks', positiveInt)
    .option('--days <n>', 'synthetic market: number of days', positiveInt)
    .option('--seed <n>', 'synthetic market: seed', positiveInt)
    .option('--variants <n>', 'variants per signal family (default 10 → 110 signals)', positiveInt)
    .option('--horizons <list>', 'forward-return horizons, e.g. 1,5,21,63', horizonList)
    .option(
      '--out <dir>',
      'write ic.csv, ic_series.parquet, weights.csv, decay.csv, report.* here (full stage: default out/research)',
    )
    .option('--overwrite', 'replace a non-empty --out directory')
    .addOption(
      new Option('--backend <name>', 'compute backend (bullmq: workers started with `alphalab worker`)')
        .choices(['inline', 'threads', 'bullmq'])
        .default('threads'),
    )
    .option('--workers <n>', 'worker threads (default: CPU count)', positiveInt)
    .option(
      '--redis <url>',
      'with --backend bullmq: redis://[user:password@]host:port (default: compute.redis_url)',
    )
    .option('--prefix <prefix>', 'with --backend bullmq: Redis key prefix shared with the workers')
    .option('--top <n>', 'rows of the ranking table', positiveInt, 25)
    .addHelpText(
      'after',
      `
Examples:
  $ alphalab research --stocks 300 --days 1000 --out runs/small
  $ alphalab research --universe data/sp500 --until ic --backend threads --workers 2 --json`,
    )
    .action(async (flags: ResearchFlags, command: Command) => {
      const session = ctx.session(command);
      const config = session.config();
      let universe: Universe;
      const universeDir = flags.universe ?? config.data.universe;
      if (universeDir !== undefined) {
        if (flags.stocks !== undefined || flags.days !== undefined || flags.seed !== undefined) {
          throw new InvalidInputError(
            '--stocks, --days and --seed apply to the synthetic market, not to --universe',
            { where: { field: 'universe' } },
          );
        }
        universe = await readUniverseDir(universeDir, { logger: session.logger });
      } else {
        const s = config.data.synthetic;
        const options = {
          stocks: flags.stocks ?? s.stocks,
          days: flags.days ?? s.days,
          seed: flags.seed ?? s.seed,
          sectors: s.sectors,
          start: s.start,
          shared: true,
        };
        session.logger.info(options, 'generating synthetic market');
        universe = generateSyntheticMarket(options).universe;
      }
      const backend = await backendFromFlags(flags, session);
      try {
        return await runStage(flags, session, universe, backend);
      } finally {
        if (typeof backend !== 'string') await backend.close();
      }
    });
}

/** The compute backend named by the flags; `bullmq` connects to Redis (src/compute/bullmq). */
async function backendFromFlags(
  flags: ResearchFlags,
  session: CliSession,
): Promise<BackendName | ComputeBackend> {
  if (flags.backend !== 'bullmq') return flags.backend;
  const connection = redisFromFlags(flags, session);
  if (connection === undefined) {
    throw new InvalidInputError(
      '--backend bullmq needs --redis URL (or compute.redis_url in the configuration)',
      {
        where: { field: 'redis' },
      },
    );
  }
  return createBullmqBackend({ connection, ...(flags.prefix ? { prefix: flags.prefix } : {}) });
}

async function runStage(
  flags: ResearchFlags,
  session: CliSession,
  universe: Universe,
  backend: BackendName | ComputeBackend,
): Promise<void> {
  const rc = session.config().research;
  if (flags.until === 'full') {
    const out = flags.out ?? 'out/research';
    const t0 = performance.now();
    const res = await runFullResearch(session, universe, { ...flags, backend });
    await writeDirAtomically(
      out,
      async (tmp) => {
        await writeOutputs(tmp, res.research, {
          decaySkips: [0, ...rc.decay_skips.filter((s) => s !== 0)],
        });
        writeResearchOutputs(tmp, res); // replaces the tier's report.json with the full report
      },
      { overwrite: flags.overwrite === true || flags.out === undefined },
    );
    if (session.options.json) session.printJson({ runId: res.runId, out, manifest: res.manifest });
    else {
      session.print(rankingTable(res.research, Math.min(flags.top, 15)));
      session.print('');
      session.print(portfolioSummaryTable(res));
      session.print(
        `research run ${res.runId} finished in ${((performance.now() - t0) / 1000).toFixed(1)} s; report in ${out}/report.html`,
      );
    }
    return;
  }
  const onProgress = session.progressCallback(flags.until === 'signals' ? 'signals' : 'signals + IC');
  const t0 = performance.now();
  const result = await runResearch(universe, {
    until: flags.until as ResearchStage,
    horizons: flags.horizons ?? rc.horizons,
    executionDelay: rc.execution_delay,
    variants: flags.variants ?? rc.variants,
    winsorizeK: rc.winsorize_k,
    betaWindow: rc.beta_window,
    betaMinObs: rc.beta_min_obs,
    ic: { minCoverage: rc.min_coverage, quantiles: rc.quantiles, skips: rc.decay_skips },
    minIcObs: rc.min_ic_obs,
    shrinkage: rc.weight_shrinkage === 'oas' ? 'oas' : 'ledoit-wolf',
    backend,
    ...(flags.workers === undefined ? {} : { workers: flags.workers }),
    onProgress: (p) => onProgress(p.done, p.total),
  });
  const elapsedMs = performance.now() - t0;
  const t = result.tier;
  const report = {
    runId: session.runId,
    universe: {
      source: universe.source,
      dates: t.context.T,
      tickers: t.context.N,
      first: t.context.dates[0],
      last: t.context.dates.at(-1),
    },
    stage: flags.until,
    horizons: t.context.horizons,
    executionDelay: t.context.executionDelay,
    decaySkips: t.ic.skips,
    timingsMs: { ...result.timings, total: elapsedMs },
    notes: t.notes,
    duplicates: t.duplicates,
    signals: t.signals.map((s) => ({
      name: s.name,
      status: s.status,
      ...(s.note ? { note: s.note } : {}),
      hash: s.hash ?? null,
    })),
    inSampleTable: { label: 'in-sample: full-sample statistics', rows: t.table },
    ...(result.horizonChoice
      ? {
          horizonChoice: {
            label: 'in-sample',
            horizon: result.horizonChoice.horizon,
            scores: result.horizonChoice.scores,
          },
        }
      : {}),
    ...(result.weights
      ? {
          weights: {
            label:
              'in-sample: weights from every resolved IC of the sample; use signalWeightsAsOf at each rebalance',
            horizon: result.weights.horizon,
            shrinkage: result.weights.shrinkage,
            commonDates: result.weights.commonDates,
            sharpeAnn: result.weights.sharpeAnn,
            effectiveN: result.weights.effectiveN,
            fallback: result.weights.fallback,
            notes: result.weights.notes,
            weights: Object.fromEntries(
              result.weights.names.map((n, j) => [n, result.weights!.weights[j]!]).filter(([, w]) => w !== 0),
            ),
          },
        }
      : {}),
  };
  if (flags.out !== undefined) {
    await writeDirAtomically(flags.out, (tmp) => writeOutputs(tmp, result, report), {
      overwrite: flags.overwrite === true,
    });
  }
  if (session.options.json) session.printJson(report);
  else {
    if (t.table.length > 0) session.print(rankingTable(result, flags.top));
    for (const n of t.notes) session.print(`note: ${n}`);
    session.print(
      `${t.signals.filter((s) => s.status === 'ok').length} signals in ${(elapsedMs / 1000).toFixed(1)} s${flags.out ? `; outputs in ${flags.out}` : ''}`,
    );
  }
}
