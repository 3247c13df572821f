/** An ECharts canvas (tree-shaken: line, bar, heatmap) sized to its box and disposed on unmount. */
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([
  LineChart,
  BarChart,
  HeatmapChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  TitleComponent,
  VisualMapComponent,
  DataZoomComponent,
  MarkLineComponent,
  CanvasRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;

export function Chart({
  option,
  height = 320,
  testId,
}: {
  option: ChartOption;
  height?: number;
  testId: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!box.current) return;
    const c = echarts.init(box.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    const onResize = () => c.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption({ animation: false, ...option }, true);
  }, [option]);
  return <div className="chart" data-testid={testId} ref={box} style={{ height }} />;
}

/** A line chart of named series over x labels; null values leave gaps (no data is not 0). */
export function lineOption(
  title: string,
  x: readonly (string | number)[],
  series: readonly { name: string; values: readonly (number | null)[] }[],
  opts: { baseline?: number; percent?: boolean } = {},
): ChartOption {
  return {
    title: { text: title, textStyle: { fontSize: 13 } },
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', top: 26 },
    grid: { left: 56, right: 16, top: 66, bottom: 32 },
    xAxis: { type: 'category', data: x },
    yAxis: {
      type: 'value',
      scale: true,
      ...(opts.percent ? { axisLabel: { formatter: (v: number) => `${(100 * v).toFixed(1)}%` } } : {}),
    },
    series: series.map((s, k) => ({
      name: s.name,
      type: 'line',
      showSymbol: false,
      connectNulls: false,
      data: [...s.values],
      ...(k === 0 && opts.baseline !== undefined
        ? { markLine: { silent: true, symbol: 'none', data: [{ yAxis: opts.baseline }] } }
        : {}),
    })),
  };
}
