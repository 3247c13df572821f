/** Human-readable text of a universe summary, shared by `ingest`, `info` and `synth`. */
import type { UniverseSummary } from '../data/io/summary.ts';

function pct(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}

export function formatUniverseSummary(s: UniverseSummary): string {
  const lines = [
    `source     ${s.source}`,
    `tickers    ${s.tickers}`,
    `dates      ${s.dates} (${s.firstDate ?? '-'} to ${s.lastDate ?? '-'})`,
    `sectors    ${s.sectors.length}: ${s.sectors.map((x) => `${x.name} ${x.tickers}`).join(', ')}`,
    `events     ${s.events}${s.eventFields.length ? ` (${s.eventFields.join(', ')})` : ''}`,
    '',
    'field                 missing',
  ];
  for (const f of s.fields) lines.push(`${f.name.padEnd(20)} ${pct(f.missingShare).padStart(8)}`);
  if (s.series.length) {
    lines.push('', 'series                missing');
    for (const f of s.series) lines.push(`${f.name.padEnd(20)} ${pct(f.missingShare).padStart(8)}`);
  }
  return lines.join('\n');
}
