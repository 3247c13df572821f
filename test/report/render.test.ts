import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/model.ts';
import { renderHtml, renderMarkdown, writeReport } from '../../src/report/render.ts';
import { niceTicks } from '../../src/report/svg.ts';

export function sampleReport(): Report {
  return {
    title: 'alphalab research <test>',
    subtitle: 'synthetic 50 × 300',
    runId: 'r1',
    generatedAt: '2026-11-21T00:00:00.000Z',
    sections: [
      {
        id: 'signals',
        title: 'Signals',
        paragraphs: ['Full-sample table (in-sample).'],
        tables: [
          {
            id: 'ic',
            title: 'IC by signal',
            columns: [
              { key: 'signal', label: 'Signal' },
              { key: 'ic', label: 'Mean IC', format: 'num', digits: 4 },
              { key: 'q', label: 'Q5−Q1', format: 'pct' },
            ],
            rows: [
              { signal: 'MOM', ic: 0.0312, q: 0.052 },
              { signal: 'A|B', ic: Number.NaN, q: null },
            ],
          },
        ],
        charts: [
          {
            kind: 'line',
            id: 'cum',
            title: 'Cumulative',
            x: ['2020-01-01', '2020-01-02', '2020-01-03'],
            series: [{ name: 'net', values: [0, Number.NaN, 0.02] }],
            baseline: 0,
          },
          {
            kind: 'bar',
            id: 'bar',
            title: 'IC by horizon',
            categories: ['1', '5'],
            series: [{ name: 'MOM', values: [0.01, -0.02] }],
          },
          {
            kind: 'heatmap',
            id: 'heat',
            title: 'PSI',
            rows: ['f1', 'f2'],
            cols: ['d1', 'd2'],
            values: [0.1, 0.2, Number.NaN, 0.3],
          },
        ],
      },
    ],
  };
}

describe('report renderers', () => {
  it('renders Markdown tables with n/a for missing numbers and escaped pipes', () => {
    const md = renderMarkdown(sampleReport());
    expect(md).toContain('| MOM | 0.0312 | 5.20% |');
    expect(md).toContain('| A\\|B | n/a | n/a |');
  });

  it('renders self-contained HTML: no external resources, every chart drawn, text escaped', () => {
    const html = renderHtml(sampleReport());
    expect(html).not.toMatch(/<script|<link|src=|href="http/);
    expect(html).toContain('alphalab research &lt;test&gt;');
    for (const id of ['cum', 'bar', 'heat']) expect(html).toContain(`data-chart="${id}"`);
    expect(html.match(/class="mark/g)!.length).toBeGreaterThanOrEqual(1 + 2 + 4);
    // the NaN splits the line into two pen-down segments
    expect(html).toMatch(/d="M[\d.]+ [\d.]+M[\d.]+ [\d.]+"/);
  });

  it('writes the three files, with NaN as null in JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alphalab-report-'));
    const paths = writeReport(dir, sampleReport());
    const json = JSON.parse(readFileSync(paths.json, 'utf8'));
    expect(json.sections[0].tables[0].rows[1].ic).toBeNull();
    expect(readFileSync(paths.html, 'utf8')).toContain('<!doctype html>');
  });

  it('chooses round tick values', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-0.031, 0.049, 4)).toEqual([-0.02, 0, 0.02, 0.04]);
  });
});
