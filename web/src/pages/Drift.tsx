/** Drift: PSI heatmap by feature and date, IC and Sharpe lines, and the alert list. */
import { useEffect, useMemo, useState } from 'react';
import { fmt, type Page } from '../api.ts';
import { Chart, lineOption } from '../components/Chart.tsx';
import { Status, Table } from '../components/Table.tsx';
import { useApi } from '../hooks.ts';

interface Metrics {
  dates: string[];
  ic: (number | null)[];
  ic5dAvg: (number | null)[];
  sharpe5d: (number | null)[];
  sharpe20d: (number | null)[];
}
interface Heat {
  dates: string[];
  features: string[];
  values: (number | null)[];
}
interface Alert {
  alertId: number;
  raisedAt: string;
  date: string | null;
  severity: string;
  rule: string;
  metric: string | null;
  value: number | null;
  threshold: number | null;
  message: string;
}

export function DriftPage() {
  const strategies = useApi<{ items: { strategyId: string }[] }>('/api/drift/strategies');
  const [strategy, setStrategy] = useState<string | null>(null);
  useEffect(() => {
    if (strategy === null && strategies.data?.items.length) setStrategy(strategies.data.items[0]!.strategyId);
  }, [strategies.data, strategy]);
  const enc = strategy && encodeURIComponent(strategy);
  const metrics = useApi<Metrics>(enc && `/api/drift/${enc}`);
  const heat = useApi<Heat>(enc && `/api/drift/${enc}/psi`);
  const alerts = useApi<Page<Alert>>(`/api/alerts?limit=200${enc ? `&strategy=${enc}` : ''}`);

  const heatOption = useMemo(() => {
    const h = heat.data;
    if (!h?.features.length) return undefined;
    const D = h.dates.length;
    const data: [number, number, number | '-'][] = [];
    h.features.forEach((_, f) => h.dates.forEach((_, d) => data.push([d, f, h.values[f * D + d] ?? '-'])));
    return {
      title: { text: 'PSI by feature and date (0.10 warning, 0.25 severe)', textStyle: { fontSize: 13 } },
      tooltip: { position: 'top' },
      grid: { left: 120, right: 24, top: 40, bottom: 90 },
      xAxis: { type: 'category', data: h.dates, splitArea: { show: true } },
      yAxis: { type: 'category', data: h.features, splitArea: { show: true } },
      visualMap: {
        type: 'piecewise',
        orient: 'horizontal',
        left: 'center',
        bottom: 8,
        pieces: [
          { lt: 0.1, color: '#a8dadc', label: '< 0.10' },
          { gte: 0.1, lt: 0.25, color: '#f4a261', label: '0.10–0.25' },
          { gte: 0.25, color: '#e63946', label: '≥ 0.25' },
        ],
      },
      series: [
        {
          type: 'heatmap',
          data,
          label: {
            show: D * h.features.length <= 120,
            formatter: (p: { value: [number, number, number] }) => fmt(p.value[2], 2),
          },
        },
      ],
    };
  }, [heat.data]);
  const icOption = useMemo(
    () =>
      metrics.data &&
      lineOption(
        'Rank IC and its 5-day mean',
        metrics.data.dates,
        [
          { name: 'IC', values: metrics.data.ic },
          { name: 'IC 5d avg', values: metrics.data.ic5dAvg },
        ],
        { baseline: 0 },
      ),
    [metrics.data],
  );
  const sharpeOption = useMemo(
    () =>
      metrics.data &&
      lineOption(
        'Rolling Sharpe',
        metrics.data.dates,
        [
          { name: 'Sharpe 5d', values: metrics.data.sharpe5d },
          { name: 'Sharpe 20d', values: metrics.data.sharpe20d },
        ],
        { baseline: 0 },
      ),
    [metrics.data],
  );

  return (
    <section>
      <h2>Drift</h2>
      <Status loading={strategies.loading} error={strategies.error} />
      {strategies.data && strategies.data.items.length === 0 && (
        <p>
          No drift metrics yet: run <code>alphalab monitor run --date D</code>.
        </p>
      )}
      {strategies.data && strategies.data.items.length > 0 && (
        <label>
          Strategy{' '}
          <select
            data-testid="drift-strategy"
            value={strategy ?? ''}
            onChange={(e) => setStrategy(e.target.value)}
          >
            {strategies.data.items.map((s) => (
              <option key={s.strategyId}>{s.strategyId}</option>
            ))}
          </select>
        </label>
      )}
      {heatOption && (
        <Chart
          testId="psi-heatmap"
          option={heatOption}
          height={Math.max(220, 40 * heat.data!.features.length + 140)}
        />
      )}
      {heat.data && heat.data.features.length === 0 && strategy && (
        <p className="muted">No per-feature PSI stored for {strategy}.</p>
      )}
      <div className="grid2">
        {icOption && <Chart testId="ic-chart" option={icOption} height={260} />}
        {sharpeOption && <Chart testId="sharpe-chart" option={sharpeOption} height={260} />}
      </div>
      <h3>Alerts</h3>
      <Status loading={alerts.loading} error={alerts.error} />
      {alerts.data && (
        <Table
          testId="alerts-table"
          rows={alerts.data.items}
          rowKey={(a) => String(a.alertId)}
          columns={[
            { key: 'date', label: 'Date', render: (a) => a.date ?? a.raisedAt.slice(0, 10) },
            {
              key: 'severity',
              label: 'Severity',
              render: (a) => <span className={`sev-${a.severity}`}>{a.severity}</span>,
            },
            { key: 'rule', label: 'Rule', render: (a) => a.rule },
            { key: 'value', label: 'Value', numeric: true, render: (a) => fmt(a.value, 3) },
            { key: 'threshold', label: 'Threshold', numeric: true, render: (a) => fmt(a.threshold, 3) },
            { key: 'message', label: 'Message', render: (a) => a.message },
          ]}
        />
      )}
    </section>
  );
}
