/**
 * Charts as inline SVG strings, so the HTML tear sheet is one self-contained file that opens offline and
 * needs no script. Each chart is a `<figure data-chart=ID data-kind=KIND>`; every drawn mark carries the class
 * `mark`, which the browser test counts to prove the chart drew.
 */
import { formatNumber } from './format.ts';
import type { BarChart, Chart, HeatmapChart, LineChart } from './model.ts';

const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#7f7f7f',
  '#bcbd22',
];
const W = 760;
const H = 300;
const M = { l: 64, r: 150, t: 16, b: 44 };

export function escapeXml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  // multiply instead of accumulating, and round away binary noise (0.6000000000000001)
  for (let i = first; i <= last; i++) out.push(i === 0 ? 0 : Number((i * step).toPrecision(12)));
  return out;
}

function yRange(values: Iterable<number>, extra?: number): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (extra !== undefined) {
    lo = Math.min(lo, extra);
    hi = Math.max(hi, extra);
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (lo === hi) return [lo - (Math.abs(lo) || 1) * 0.1, hi + (Math.abs(hi) || 1) * 0.1];
  const pad = 0.05 * (hi - lo);
  return [lo - pad, hi + pad];
}

function* finiteValues(series: readonly { values: ArrayLike<number> }[]): Generator<number> {
  for (const s of series) for (let i = 0; i < s.values.length; i++) yield s.values[i]!;
}

function axes(
  lo: number,
  hi: number,
  fmt: 'num' | 'pct',
  yOf: (v: number) => number,
  yLabel?: string,
): string {
  const parts: string[] = [];
  for (const t of niceTicks(lo, hi)) {
    const y = yOf(t).toFixed(1);
    parts.push(`<line x1="${M.l}" x2="${W - M.r}" y1="${y}" y2="${y}" class="grid"/>`);
    parts.push(
      `<text x="${M.l - 6}" y="${y}" class="tick" text-anchor="end" dominant-baseline="middle">${escapeXml(formatNumber(t, fmt, fmt === 'pct' ? 1 : 3))}</text>`,
    );
  }
  parts.push(`<line x1="${M.l}" x2="${M.l}" y1="${M.t}" y2="${H - M.b}" class="axis"/>`);
  parts.push(`<line x1="${M.l}" x2="${W - M.r}" y1="${H - M.b}" y2="${H - M.b}" class="axis"/>`);
  if (yLabel)
    parts.push(
      `<text x="14" y="${(M.t + H - M.b) / 2}" class="label" transform="rotate(-90 14 ${(M.t + H - M.b) / 2})" text-anchor="middle">${escapeXml(yLabel)}</text>`,
    );
  return parts.join('');
}

function legend(names: readonly string[]): string {
  return names
    .map((n, k) => {
      const y = M.t + 10 + k * 16;
      return `<rect x="${W - M.r + 12}" y="${y - 6}" width="10" height="10" fill="${PALETTE[k % PALETTE.length]}"/><text x="${W - M.r + 28}" y="${y}" class="legend" dominant-baseline="middle">${escapeXml(n)}</text>`;
    })
    .join('');
}

function svgOpen(c: Chart): string {
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${escapeXml(c.title)}" xmlns="http://www.w3.org/2000/svg">`;
}

export function lineChartSvg(c: LineChart): string {
  const n = c.x.length;
  const [lo, hi] = yRange(finiteValues(c.series), c.baseline);
  const xOf = (i: number) => M.l + (n <= 1 ? 0 : (i / (n - 1)) * (W - M.l - M.r));
  const yOf = (v: number) => H - M.b - ((v - lo) / (hi - lo)) * (H - M.t - M.b);
  const parts = [svgOpen(c), axes(lo, hi, c.yFormat ?? 'num', yOf, c.yLabel)];
  if (c.baseline !== undefined) {
    const y = yOf(c.baseline).toFixed(1);
    parts.push(`<line x1="${M.l}" x2="${W - M.r}" y1="${y}" y2="${y}" class="baseline"/>`);
  }
  const nTicks = Math.min(6, n);
  for (let k = 0; k < nTicks; k++) {
    const i = nTicks === 1 ? 0 : Math.round((k * (n - 1)) / (nTicks - 1));
    parts.push(
      `<text x="${xOf(i).toFixed(1)}" y="${H - M.b + 16}" class="tick" text-anchor="middle">${escapeXml(String(c.x[i]))}</text>`,
    );
  }
  c.series.forEach((s, k) => {
    let d = '';
    let pen = false;
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      if (!Number.isFinite(v)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${xOf(i).toFixed(1)} ${yOf(v).toFixed(1)}`;
      pen = true;
    }
    if (d)
      parts.push(`<path class="mark series" d="${d}" stroke="${PALETTE[k % PALETTE.length]}" fill="none"/>`);
  });
  parts.push(legend(c.series.map((s) => s.name)), '</svg>');
  return parts.join('');
}

export function barChartSvg(c: BarChart): string {
  const [lo0, hi0] = yRange(finiteValues(c.series), 0);
  const lo = Math.min(lo0, 0);
  const hi = Math.max(hi0, 0);
  const yOf = (v: number) => H - M.b - ((v - lo) / (hi - lo)) * (H - M.t - M.b);
  const parts = [svgOpen(c), axes(lo, hi, c.yFormat ?? 'num', yOf, c.yLabel)];
  const nc = c.categories.length;
  const ns = Math.max(1, c.series.length);
  const slot = (W - M.l - M.r) / Math.max(1, nc);
  const bw = (0.8 * slot) / ns;
  const y0 = yOf(0);
  c.categories.forEach((cat, i) => {
    c.series.forEach((s, k) => {
      const v = s.values[i]!;
      if (!Number.isFinite(v)) return;
      const x = M.l + i * slot + 0.1 * slot + k * bw;
      const y = yOf(v);
      parts.push(
        `<rect class="mark bar" x="${x.toFixed(1)}" y="${Math.min(y, y0).toFixed(1)}" width="${bw.toFixed(1)}" height="${Math.max(0.5, Math.abs(y - y0)).toFixed(1)}" fill="${PALETTE[k % PALETTE.length]}"><title>${escapeXml(`${cat} · ${s.name}: ${formatNumber(v, c.yFormat ?? 'num')}`)}</title></rect>`,
      );
    });
    if (nc <= 40) {
      const x = M.l + (i + 0.5) * slot;
      parts.push(
        `<text x="${x.toFixed(1)}" y="${H - M.b + 14}" class="tick" text-anchor="end" transform="rotate(-35 ${x.toFixed(1)} ${H - M.b + 14})">${escapeXml(cat)}</text>`,
      );
    }
  });
  parts.push(legend(c.series.map((s) => s.name)), '</svg>');
  return parts.join('');
}

/** Diverging blue–white–red around 0 when values have both signs, white→blue otherwise. */
function heatColor(v: number, lo: number, hi: number): string {
  if (!Number.isFinite(v)) return '#eeeeee';
  if (lo < 0 && hi > 0) {
    const m = Math.max(-lo, hi);
    const a = Math.min(1, Math.abs(v) / m);
    const c = Math.round(255 * (1 - a));
    return v >= 0 ? `rgb(255,${c},${c})` : `rgb(${c},${c},255)`;
  }
  const a = hi > lo ? (v - lo) / (hi - lo) : 0.5;
  const c = Math.round(255 * (1 - a));
  return `rgb(${c},${Math.round(255 - 0.6 * (255 - c))},255)`;
}

export function heatmapSvg(c: HeatmapChart): string {
  const nr = c.rows.length;
  const nc = c.cols.length;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < c.values.length; k++) {
    const v = c.values[k]!;
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  const left = 150;
  const top = 16;
  const cw = (W - left - 20) / Math.max(1, nc);
  const ch = Math.max(6, Math.min(22, (H * 2 - top - 60) / Math.max(1, nr)));
  const height = top + nr * ch + 60;
  const parts = [
    `<svg viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="${escapeXml(c.title)}" xmlns="http://www.w3.org/2000/svg">`,
  ];
  for (let r = 0; r < nr; r++) {
    if (ch >= 9)
      parts.push(
        `<text x="${left - 6}" y="${(top + (r + 0.5) * ch).toFixed(1)}" class="tick" text-anchor="end" dominant-baseline="middle">${escapeXml(c.rows[r]!)}</text>`,
      );
    for (let k = 0; k < nc; k++) {
      const v = c.values[r * nc + k]!;
      parts.push(
        `<rect class="mark cell" x="${(left + k * cw).toFixed(1)}" y="${(top + r * ch).toFixed(1)}" width="${cw.toFixed(1)}" height="${ch.toFixed(1)}" fill="${heatColor(v, lo, hi)}"><title>${escapeXml(`${c.rows[r]} · ${c.cols[k]}: ${formatNumber(v, c.format ?? 'num')}`)}</title></rect>`,
      );
    }
  }
  const step = Math.max(1, Math.ceil(nc / 12));
  for (let k = 0; k < nc; k += step) {
    const x = left + (k + 0.5) * cw;
    const y = top + nr * ch + 12;
    parts.push(
      `<text x="${x.toFixed(1)}" y="${y}" class="tick" text-anchor="end" transform="rotate(-35 ${x.toFixed(1)} ${y})">${escapeXml(c.cols[k]!)}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

export function chartSvg(c: Chart): string {
  switch (c.kind) {
    case 'line':
      return lineChartSvg(c);
    case 'bar':
      return barChartSvg(c);
    case 'heatmap':
      return heatmapSvg(c);
  }
}
