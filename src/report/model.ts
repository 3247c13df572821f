/**
 * The report model (architecture.md §9): sections of text, tables and charts, built by the pipeline from plain
 * results and rendered to JSON, Markdown and a self-contained HTML tear sheet. Numbers stay numbers here;
 * formatting is the renderers' job. NaN and ±∞ are kept as such and rendered as "n/a" / null.
 */

export type ColumnFormat = 'text' | 'int' | 'num' | 'pct' | 'bps' | 'sci';

export interface ReportColumn {
  readonly key: string;
  readonly label: string;
  readonly format?: ColumnFormat;
  /** Decimal places for num/pct (default 3 for num, 2 for pct). */
  readonly digits?: number;
}

export type Cell = string | number | boolean | null;

export interface ReportTable {
  readonly id: string;
  readonly title: string;
  readonly columns: readonly ReportColumn[];
  readonly rows: readonly Readonly<Record<string, Cell>>[];
  readonly note?: string;
}

export interface ChartSeries {
  readonly name: string;
  readonly values: ArrayLike<number>;
}

export interface LineChart {
  readonly kind: 'line';
  readonly id: string;
  readonly title: string;
  /** x labels (dates or numbers), one per value. */
  readonly x: readonly (string | number)[];
  readonly series: readonly ChartSeries[];
  readonly yLabel?: string;
  readonly yFormat?: 'num' | 'pct';
  /** Draw a horizontal reference line (e.g. 0). */
  readonly baseline?: number;
}

export interface BarChart {
  readonly kind: 'bar';
  readonly id: string;
  readonly title: string;
  readonly categories: readonly string[];
  readonly series: readonly ChartSeries[];
  readonly yLabel?: string;
  readonly yFormat?: 'num' | 'pct';
}

export interface HeatmapChart {
  readonly kind: 'heatmap';
  readonly id: string;
  readonly title: string;
  readonly rows: readonly string[];
  readonly cols: readonly string[];
  /** rows × cols, row-major. */
  readonly values: ArrayLike<number>;
  readonly format?: 'num' | 'pct';
}

export type Chart = LineChart | BarChart | HeatmapChart;

export interface ReportSection {
  readonly id: string;
  readonly title: string;
  readonly paragraphs?: readonly string[];
  readonly tables?: readonly ReportTable[];
  readonly charts?: readonly Chart[];
}

export interface Report {
  readonly title: string;
  readonly subtitle?: string;
  readonly runId: string;
  readonly generatedAt: string;
  readonly sections: readonly ReportSection[];
  /** Extra machine-readable payload kept in report.json only. */
  readonly data?: unknown;
}

/** Every chart of a report, for tests and for the HTML renderer's table of contents. */
export function allCharts(r: Report): Chart[] {
  return r.sections.flatMap((s) => s.charts ?? []);
}
