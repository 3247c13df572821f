import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHtml, renderMarkdown, writeReport } from '../../src/report/render.ts';
import { niceTicks } from '../../src/report/svg.ts';
import { sampleReport } from './sample-report.ts';

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
    expect(html).toMatch(/d="M[\d.]+ [\d.]+L[\d.]+ [\d.]+M[\d.]+ [\d.]+L[\d.]+ [\d.]+"/);
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
