import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/render.ts';
import { artifactDir, launchChromium, skipReasonChromium } from '../helpers/chromium.ts';
import { sampleReport } from './sample-report.ts';

const reason = skipReasonChromium();
if (reason) console.warn(reason);

describe.skipIf(reason !== undefined)('HTML tear sheet in headless Chromium', () => {
  it('renders offline with a clean console and every chart drawn', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alphalab-html-'));
    const { html } = writeReport(dir, sampleReport());
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()}`));
      await page.goto(pathToFileURL(html).href);
      const charts = await page.$$eval('figure[data-chart]', (figs) =>
        figs.map((f) => {
          const marks = [...f.querySelectorAll('.mark')];
          const drawn = marks.filter((m) => {
            const b = (m as unknown as { getBBox(): { width: number; height: number } }).getBBox();
            return b.width > 0 || b.height > 0;
          }).length;
          return { id: f.getAttribute('data-chart'), marks: marks.length, drawn };
        }),
      );
      expect(charts.map((c) => c.id)).toEqual(['cum', 'bar', 'heat']);
      for (const c of charts) expect(c.drawn, `chart ${c.id}`).toBeGreaterThan(0);
      await page.screenshot({ path: join(artifactDir('report'), 'sample-report.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
