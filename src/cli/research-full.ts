/**
 * `alphalab research` (full stage, the default and `npm start`): the whole seed-002 pipeline — signals and IC,
 * walk-forward weights, covariance estimates, portfolios, evaluations and the report (src/pipeline) — with
 * progress bars on a TTY, a summary table at the end, and report.{json,md,html}, manifest.json, returns.csv and
 * rebalances.csv in `--out` (plus the signal-tier files ic.csv, ic_series.parquet, weights.csv, decay.csv).
 */
import type { BackendName, ComputeBackend } from '../compute/index.ts';
import type { AlphalabConfig } from '../core/config.ts';
import { mergeConfig, resolveConfig } from '../core/config.ts';
import type { Universe } from '../core/universe.ts';
import type { ResearchPipelineResult } from '../pipeline/research.ts';
import { runResearchPipeline } from '../pipeline/research.ts';
import type { CliSession } from './context.ts';

export interface FullResearchFlags {
  readonly variants?: number;
  readonly horizons?: number[];
  readonly backend: BackendName | ComputeBackend;
  readonly workers?: number;
}

/** The session's config with the command-line overrides of the research flags applied. */
export function researchConfig(base: AlphalabConfig, flags: FullResearchFlags): AlphalabConfig {
  const research: Record<string, unknown> = {};
  if (flags.variants !== undefined) research.variants = flags.variants;
  if (flags.horizons !== undefined) research.horizons = flags.horizons;
  return resolveConfig(
    mergeConfig(structuredClone(base) as Record<string, unknown>, { research }),
    'configuration + flags',
  );
}

export async function runFullResearch(
  session: CliSession,
  universe: Universe,
  flags: FullResearchFlags,
): Promise<ResearchPipelineResult> {
  const config = researchConfig(session.config(), flags);
  const bars = {
    signals: session.progressCallback('signals + IC'),
    rebalances: session.progressCallback('rebalances'),
  };
  return runResearchPipeline({
    universe,
    config,
    runId: session.runId,
    backend: flags.backend,
    ...(flags.workers === undefined ? {} : { workers: flags.workers }),
    logger: session.logger,
    onProgress: (stage, done, total) => bars[stage](done, total),
  });
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : 'n/a');
const num = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

/** The summary printed at the end of a run: one row per book. */
export function portfolioSummaryTable(res: ResearchPipelineResult): string {
  const head = ['book', 'Sharpe', 'ann. return', 'ann. vol', 'max DD', 'turnover/yr', 'α t (NW)', 'β'];
  const rows = (res.books ?? []).map((b) => [
    b.name,
    num(b.evaluation.net.sharpe),
    pct(b.evaluation.net.annualReturn),
    pct(b.evaluation.net.annualVolatility),
    pct(b.evaluation.net.maxDrawdown),
    num(b.evaluation.annualTurnover, 1),
    num(b.evaluation.capm.alphaT),
    num(b.evaluation.capm.beta, 3),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ');
  const o = res.overfitting;
  const tail = o
    ? [
        `best: ${o.dsr.strategy}; deflated Sharpe ${num(o.dsr.dsr, 3)} over ${o.dsr.nTrials} configurations; PBO ${num(o.pbo?.pbo ?? Number.NaN, 3)}`,
      ]
    : [];
  return [line(head), ...rows.map(line), ...tail].join('\n');
}
