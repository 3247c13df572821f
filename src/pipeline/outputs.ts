/**
 * Files a research run leaves in its output folder (architecture.md §9): manifest.json, report.json,
 * report.md, report.html, plus the daily returns of every book and the rebalance log as CSV. Each file is
 * written to a temporary name and renamed.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonReplacer } from '../report/format.ts';
import { writeReport } from '../report/render.ts';
import type { ResearchPipelineResult } from './research.ts';
import { buildResearchReport } from './research-report.ts';

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

const csv = (x: number) => (Number.isFinite(x) ? String(x) : '');

export interface ResearchOutputPaths {
  readonly manifest: string;
  readonly json: string;
  readonly markdown: string;
  readonly html: string;
  readonly returns?: string;
  readonly rebalances?: string;
}

export function writeResearchOutputs(dir: string, res: ResearchPipelineResult): ResearchOutputPaths {
  mkdirSync(dir, { recursive: true });
  const report = buildResearchReport(res);
  const paths = writeReport(dir, report);
  const manifest = join(dir, 'manifest.json');
  writeAtomic(manifest, `${JSON.stringify(res.manifest, jsonReplacer, 2)}\n`);
  const out: ResearchOutputPaths = { manifest, ...paths };
  if (!res.portfolio) return out;
  const books = res.portfolio.books;
  const lines = [`date,${books.flatMap((b) => [`${b.name}_gross`, `${b.name}_net`]).join(',')}`];
  res.universe.dates.forEach((d, t) => {
    lines.push(
      [d, ...books.flatMap((b) => [csv(b.sim.grossReturns[t]!), csv(b.sim.netReturns[t]!)])].join(','),
    );
  });
  const returns = join(dir, 'returns.csv');
  writeAtomic(returns, `${lines.join('\n')}\n`);
  const reb = [
    'date,horizon,effective_n,expected_ic,investable,method,status,iterations,solves,total_iterations,gamma,ex_ante_vol,vol_target_reached',
  ];
  for (const r of res.portfolio.records) {
    for (const s of r.solves) {
      reb.push(
        [
          r.date,
          r.horizon,
          csv(r.effectiveN),
          csv(r.expectedIc),
          r.investable,
          s.method,
          s.status,
          s.iterations,
          s.solves,
          s.totalIterations,
          csv(s.gamma),
          csv(s.exAnteVol),
          s.volTargetReached,
        ].join(','),
      );
    }
  }
  const rebalances = join(dir, 'rebalances.csv');
  writeAtomic(rebalances, `${reb.join('\n')}\n`);
  return { ...out, returns, rebalances };
}
