/**
 * End-to-end tests of the dashboard in headless Chromium (Debian's chromium via playwright-core): every page
 * against a server on a seeded workspace, its content, that its charts drew (canvas pixels), promote and
 * rollback through the UI with the token and the confirmation dialog, a clean console, and screenshots in
 * test-results/web/. The dashboard is built here when web/dist is missing or older than its sources.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAlertRules } from '../../src/monitor/rules.ts';
import { runMonitorDay } from '../../src/monitor/run-day.ts';
import { type AlphalabServer, type MonitorRunner, startServer } from '../../src/server/index.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import { artifactDir, launchChromium, skipReasonChromium } from '../helpers/chromium.ts';
import { MODEL, SIGNAL_DATE, seedFiles, seedStore } from '../server/fixture.ts';

const skip = skipReasonChromium();
if (skip) console.warn(skip);
const WEB = fileURLToPath(new URL('../../web', import.meta.url));
const TOKEN = 'ui-test-token';
const MONITOR_DATE = '2024-04-01';

/**
 * The monitor as the server runs it, minus the universe: runMonitorDay (metrics, rules, stored day) on an
 * input with the deployed model and no predictions yet, so the model's age is what fires (model_stale).
 */
const monitorOf =
  (store: Store): MonitorRunner =>
  async (req) => {
    const strategyId = req.strategyId ?? MODEL;
    const result = await runMonitorDay({
      store,
      rules: loadAlertRules(undefined),
      input: {
        date: req.date,
        strategyId,
        predictions: [],
        returns: { dates: [], values: new Float64Array(0) },
        features: [],
        model: { name: MODEL, version: 2, createdAtMs: Date.parse('2024-01-02T21:00:00Z') },
      },
    });
    return { strategyId, model: MODEL, result };
  };

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds web/dist unless it is newer than every source file. */
async function ensureDashboardBuilt(): Promise<void> {
  const index = join(WEB, 'dist', 'index.html');
  const sources = Math.max(
    newestMtime(join(WEB, 'src')),
    statSync(join(WEB, 'index.html')).mtimeMs,
    statSync(join(WEB, 'vite.config.ts')).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const { build } = await import('vite');
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'error' });
}

/** The browser globals used inside page.evaluate (this project's tsconfig has no DOM lib). */
interface BrowserGlobals {
  requestAnimationFrame(cb: () => void): void;
  document: {
    querySelector(selector: string): {
      width: number;
      height: number;
      getContext(kind: '2d'): {
        getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
      };
    } | null;
  };
}

/** Non-transparent pixels of the chart's canvas: a drawn chart has many. */
async function drawnPixels(page: Page, testId: string): Promise<number> {
  await page.locator(`[data-testid="${testId}"] canvas`).first().waitFor();
  // ECharts draws on the next animation frame after setOption.
  await page.waitForFunction(
    () => new Promise((r) => (globalThis as unknown as BrowserGlobals).requestAnimationFrame(() => r(true))),
  );
  return page.evaluate((id) => {
    const c = (globalThis as unknown as BrowserGlobals).document.querySelector(
      `[data-testid="${id}"] canvas`,
    );
    if (!c || c.width === 0 || c.height === 0) return 0;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let k = 3; k < d.length; k += 4) if (d[k]! > 0) n++;
    return n;
  }, testId);
}

describe.skipIf(Boolean(skip))('dashboard in headless Chromium', () => {
  let root: string;
  let store: Store;
  let server: AlphalabServer & { url: string };
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const shots = artifactDir('web');

  beforeAll(async () => {
    await ensureDashboardBuilt();
    root = mkdtempSync(join(tmpdir(), 'alphalab-web-'));
    const files = await seedFiles(root);
    store = await openStore({ workspace: join(root, 'workspace'), env: {} });
    await seedStore(store);
    server = await startServer({
      store,
      runsDir: files.runsDir,
      riskRoot: files.riskRoot,
      token: TOKEN,
      monitor: monitorOf(store),
      host: '127.0.0.1',
      port: 0,
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()}`));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.app.close();
    await store?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('Research: signal ranking, IC series and decay, portfolio comparison, the tear sheet in an iframe', async () => {
    await page.goto(`${server.url}/#/research`);
    const rows = page.locator('[data-testid="signal-ranking"] tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(3);
    expect(await drawnPixels(page, 'ic-decay-chart')).toBeGreaterThan(2000);
    expect(await drawnPixels(page, 'ic-series-chart')).toBeGreaterThan(2000);
    expect(await drawnPixels(page, 'cumulative-chart')).toBeGreaterThan(2000);
    await expect
      .poll(() => page.locator('[data-testid="portfolio-comparison"] tbody tr').count())
      .toBeGreaterThan(1);
    const frame = page.frameLocator('[data-testid="tear-sheet"]');
    await frame.locator('h1').first().waitFor();
    expect(await frame.locator('h1').first().textContent()).toMatch(/\w/);
    expect(await frame.locator('svg').count()).toBeGreaterThan(3);
    await page.screenshot({ path: join(shots, 'research.png'), fullPage: true });
  });

  it("Signal feed: today's signals strongest first, with confidence", async () => {
    await page.click('[data-testid="nav-signals"]');
    const summary = page.locator('[data-testid="signal-summary"]');
    await summary.waitFor();
    expect(await summary.textContent()).toBe(`${SIGNAL_DATE}: 5 signals — 3 long, 2 short`);
    const first = page.locator('[data-testid="signal-table"] tbody tr').first();
    expect(await first.locator('td').allTextContents()).toEqual(['NVDA', 'LONG', '72.0%', '0.0500']);
    expect(await drawnPixels(page, 'signal-chart')).toBeGreaterThan(1000);
    await page.screenshot({ path: join(shots, 'signals.png'), fullPage: true });
  });

  it('Models: registry, metrics by dataset, history; promote and roll back through the confirmation dialog', async () => {
    await page.click('[data-testid="nav-models"]');
    await page.locator('[data-testid="active-v2"]').waitFor();
    expect(await drawnPixels(page, 'metrics-chart')).toBeGreaterThan(1000);
    expect(await page.locator('[data-testid="metrics-table"]').textContent()).toContain('sharpe_ratio');

    // without a token the dialog cannot confirm (the API's own refusals are tested in test/server)
    await page.click('[data-testid="promote-v1"]');
    await page.locator('[data-testid="confirm-no-token"]').waitFor();
    expect(await page.locator('[data-testid="confirm-ok"]').isDisabled()).toBe(true);
    await page.click('[data-testid="confirm-cancel"]');
    // a wrong token is refused by the server and shown, and nothing changes
    await page.fill('[data-testid="token-input"]', 'wrong-token');
    await page.click('[data-testid="promote-v1"]');
    await page.click('[data-testid="confirm-ok"]');
    await expect
      .poll(() => page.locator('[data-testid="stage-message"]').textContent())
      .toBe('refused: the bearer token does not match');
    expect((await store.registry.getActive(MODEL))!.version).toBe(2);
    // Chromium logs every 4xx resource load; this one was provoked on purpose.
    const i = problems.findIndex((p) => p.includes('status of 403'));
    if (i >= 0) problems.splice(i, 1);

    await page.fill('[data-testid="token-input"]', TOKEN);
    await page.click('[data-testid="promote-v1"]');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`Promote ${MODEL} v1 to active?`);
    await page.click('[data-testid="confirm-cancel"]');
    await dialog.waitFor({ state: 'detached' });
    expect((await store.registry.getActive(MODEL))!.version).toBe(2);

    await page.click('[data-testid="promote-v1"]');
    await page.fill('[data-testid="confirm-reason"]', 'ui test');
    await page.screenshot({ path: join(shots, 'models-confirm.png') });
    await page.click('[data-testid="confirm-ok"]');
    await page.locator('[data-testid="active-v1"]').waitFor();
    expect(await page.locator('[data-testid="stage-message"]').textContent()).toBe(
      'promote: version 1 is now active',
    );
    expect((await store.registry.getActive(MODEL))!.version).toBe(1);
    const last = (await store.registry.history(MODEL)).at(-1)!;
    expect([last.action, last.changedBy, last.reason]).toEqual(['promote', 'dashboard', 'ui test']);

    await page.click('[data-testid="rollback"]');
    await page.click('[data-testid="confirm-ok"]');
    await page.locator('[data-testid="active-v2"]').waitFor();
    expect((await store.registry.getActive(MODEL))!.version).toBe(2);
    expect(await page.locator('[data-testid="history-table"] tbody tr').first().textContent()).toContain(
      'rollback',
    );
    await page.screenshot({ path: join(shots, 'models.png'), fullPage: true });
  });

  it('Feature importance: bars by total gain and the table', async () => {
    await page.click('[data-testid="nav-importance"]');
    await page.locator('[data-testid="importance-table"] tbody tr').first().waitFor();
    expect(await page.locator('[data-testid="importance-table"] tbody tr').count()).toBe(3);
    expect(await drawnPixels(page, 'importance-chart')).toBeGreaterThan(1000);
    await page.selectOption('[data-testid="importance-sort"]', 'weight');
    await expect.poll(() => page.locator('[data-testid="importance-chart"]').count()).toBe(1);
    await page.screenshot({ path: join(shots, 'importance.png'), fullPage: true });
  });

  it('Drift: PSI heatmap by feature and date, IC and Sharpe lines, alerts', async () => {
    await page.click('[data-testid="nav-drift"]');
    expect(await drawnPixels(page, 'psi-heatmap')).toBeGreaterThan(3000);
    expect(await drawnPixels(page, 'ic-chart')).toBeGreaterThan(1000);
    expect(await drawnPixels(page, 'sharpe-chart')).toBeGreaterThan(1000);
    const alerts = page.locator('[data-testid="alerts-table"] tbody tr');
    await expect.poll(() => alerts.count()).toBe(2);
    expect(await alerts.first().textContent()).toContain('severe');
    await page.screenshot({ path: join(shots, 'drift.png'), fullPage: true });
  });

  it('Drift: runs the monitor for a date through the confirmation dialog, and shows what it stored', async () => {
    await page.fill('[data-testid="token-input"]', TOKEN);
    await page.fill('[data-testid="monitor-date"]', MONITOR_DATE);
    await page.click('[data-testid="monitor-run"]');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`Run the drift monitor for ${MODEL} on ${MONITOR_DATE}?`);
    await page.click('[data-testid="confirm-cancel"]');
    await dialog.waitFor({ state: 'detached' });
    expect((await store.monitoring.getDriftMetrics(MODEL)).map((r) => r.date)).not.toContain(MONITOR_DATE);

    await page.click('[data-testid="monitor-run"]');
    await page.click('[data-testid="confirm-ok"]');
    await expect
      .poll(() => page.locator('[data-testid="monitor-message"]').textContent())
      .toMatch(
        new RegExp(
          `^${MONITOR_DATE} · ${MODEL}: ACTION REQUIRED \\((warning|severe|critical)\\).*\\((\\d+) alerts?, \\2 new\\)$`,
        ),
      );
    expect((await store.monitoring.getDriftMetrics(MODEL)).map((r) => r.date)).toContain(MONITOR_DATE);
    const alerts = page.locator('[data-testid="alerts-table"] tbody tr');
    await expect.poll(() => alerts.count()).toBeGreaterThan(2);
    expect(await alerts.first().textContent()).toContain('model_stale');
    await page.screenshot({ path: join(shots, 'drift-monitor-run.png'), fullPage: true });
  });

  it('kept a clean console on every page', () => {
    expect(problems).toEqual([]);
  });
});
