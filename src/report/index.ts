export { formatCell, formatNumber, jsonReplacer } from './format.ts';
export type {
  BarChart,
  Cell,
  Chart,
  ChartSeries,
  ColumnFormat,
  HeatmapChart,
  LineChart,
  Report,
  ReportColumn,
  ReportSection,
  ReportTable,
} from './model.ts';
export { allCharts } from './model.ts';
export { renderHtml, renderJson, renderMarkdown, writeReport } from './render.ts';
export { chartSvg, niceTicks } from './svg.ts';
