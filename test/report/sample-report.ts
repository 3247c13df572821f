// A small report exercising every table and chart kind, shared by the renderer and browser tests.
import type { Report } from '../../src/report/model.ts';

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
            x: ['2020-01-01', '2020-01-02', '2020-01-03', '2020-01-06', '2020-01-07'],
            series: [{ name: 'net', values: [0, 0.01, Number.NaN, 0.015, 0.02] }],
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
