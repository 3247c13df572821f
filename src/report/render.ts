/**
 * Renderers of the report model: `report.json` (every table and series in machine form), `report.md` (tables
 * for reading in a terminal or a code review) and `report.html` (one self-contained file with inline CSS and
 * SVG charts that opens offline). `writeReport` writes all three atomically into a folder.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatCell, jsonReplacer } from './format.ts';
import type { Report, ReportTable } from './model.ts';
import { chartSvg, escapeXml } from './svg.ts';

export function renderJson(r: Report): string {
  return `${JSON.stringify(r, jsonReplacer, 2)}\n`;
}

function markdownTable(t: ReportTable): string {
  const head = `| ${t.columns.map((c) => c.label).join(' | ')} |`;
  const rule = `|${t.columns.map((c) => (c.format && c.format !== 'text' ? ' ---: ' : ' --- ')).join('|')}|`;
  const rows = t.rows.map(
    (row) =>
      `| ${t.columns.map((c) => formatCell(row[c.key], c.format, c.digits).replace(/\|/g, '\\|')).join(' | ')} |`,
  );
  return [`**${t.title}**`, '', head, rule, ...rows, ...(t.note ? ['', `_${t.note}_`] : [])].join('\n');
}

export function renderMarkdown(r: Report): string {
  const out = [`# ${r.title}`, ''];
  if (r.subtitle) out.push(r.subtitle, '');
  out.push(`Run \`${r.runId}\`, generated ${r.generatedAt}.`, '');
  for (const s of r.sections) {
    out.push(`## ${s.title}`, '');
    for (const p of s.paragraphs ?? []) out.push(p, '');
    for (const t of s.tables ?? []) out.push(markdownTable(t), '');
    const charts = s.charts ?? [];
    if (charts.length) out.push(`_Charts in report.html: ${charts.map((c) => c.title).join('; ')}._`, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

const CSS = `
body{font:14px/1.45 -apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:0;color:#1b1f24;background:#fafafa}
header{background:#12263a;color:#fff;padding:18px 32px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.8}
nav{padding:8px 32px;background:#e9eef3;font-size:13px}nav a{margin-right:14px;color:#12263a}
main{padding:8px 32px 48px;max-width:1200px}section{margin-top:28px}h2{border-bottom:2px solid #12263a;padding-bottom:4px}
table{border-collapse:collapse;margin:10px 0 4px;font-size:13px;background:#fff}th,td{border:1px solid #d0d7de;padding:3px 8px}
th{background:#f0f3f6;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
caption{caption-side:top;text-align:left;font-weight:600;padding:4px 0}.note{color:#57606a;font-size:12px;margin:0 0 10px}
figure{margin:16px 0;background:#fff;border:1px solid #d0d7de;padding:8px}figcaption{font-weight:600;margin-bottom:4px}
.grid{stroke:#e5e8eb;stroke-width:1}.axis{stroke:#57606a;stroke-width:1}.baseline{stroke:#57606a;stroke-dasharray:4 3}
.tick{font-size:11px;fill:#57606a}.legend{font-size:12px;fill:#1b1f24}.label{font-size:12px;fill:#57606a}
path.series{stroke-width:1.5}
`;

function htmlTable(t: ReportTable): string {
  const head = t.columns.map((c) => `<th>${escapeXml(c.label)}</th>`).join('');
  const body = t.rows
    .map(
      (row) =>
        `<tr>${t.columns
          .map((c) => {
            const numeric = c.format !== undefined && c.format !== 'text';
            return `<td${numeric ? ' class="n"' : ''}>${escapeXml(formatCell(row[c.key], c.format, c.digits))}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  return `<table id="${escapeXml(t.id)}"><caption>${escapeXml(t.title)}</caption><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${t.note ? `<p class="note">${escapeXml(t.note)}</p>` : ''}`;
}

export function renderHtml(r: Report): string {
  const nav = r.sections.map((s) => `<a href="#${escapeXml(s.id)}">${escapeXml(s.title)}</a>`).join('');
  const sections = r.sections
    .map((s) => {
      const paras = (s.paragraphs ?? []).map((p) => `<p>${escapeXml(p)}</p>`).join('');
      const tables = (s.tables ?? []).map(htmlTable).join('');
      const charts = (s.charts ?? [])
        .map(
          (c) =>
            `<figure class="chart" data-chart="${escapeXml(c.id)}" data-kind="${c.kind}"><figcaption>${escapeXml(c.title)}</figcaption>${chartSvg(c)}</figure>`,
        )
        .join('');
      return `<section id="${escapeXml(s.id)}"><h2>${escapeXml(s.title)}</h2>${paras}${charts}${tables}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(r.title)}</title><style>${CSS}</style></head>
<body><header><h1>${escapeXml(r.title)}</h1><p>${escapeXml(r.subtitle ?? '')} · run ${escapeXml(r.runId)} · ${escapeXml(r.generatedAt)}</p></header>
<nav>${nav}</nav><main>
${sections}
</main></body></html>
`;
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Writes report.json, report.md and report.html into `dir` (created if needed), each via temp file + rename. */
export function writeReport(dir: string, r: Report): { json: string; markdown: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const paths = {
    json: join(dir, 'report.json'),
    markdown: join(dir, 'report.md'),
    html: join(dir, 'report.html'),
  };
  writeAtomic(paths.json, renderJson(r));
  writeAtomic(paths.markdown, renderMarkdown(r));
  writeAtomic(paths.html, renderHtml(r));
  return paths;
}
