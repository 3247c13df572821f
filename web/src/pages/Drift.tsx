/**
 * Drift: PSI heatmap by feature and date, IC and Sharpe lines, the alert list, and running the monitor for a
 * date (token + confirmation; the server runs it like `alphalab monitor run` and the page reloads).
 */
import { useEffect, useMemo, useState } from 'react';
import { ApiError, fmt, type Page, post } from '../api.ts';
import { Chart, lineOption } from '../components/Chart.tsx';
import { Status, Table } from '../components/Table.tsx';
import { TokenInput } from '../components/TokenInput.tsx';
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

interface MonitorRun {
  date: string;
  strategyId: string;
  decision: string;
  alerts: { new: boolean }[];
}

export function DriftPage({ token, onToken }: { token: string; onToken: (t: string) => void }) {
  const [refresh, setRefresh] = useState(0);
  const strategies = useApi<{ items: { strategyId: string; last: string }[] }>(
    '/api/drift/strategies',
    refresh,
  );
  const [strategy, setStrategy] = useState<string | null>(null);
  useEffect(() => {
    if (strategy === null && strategies.data?.items.length) setStrategy(strategies.data.items[0]!.strategyId);
  }, [strategies.data, strategy]);
  const enc = strategy && encodeURIComponent(strategy);
  const metrics = useApi<Metrics>(enc && `/api/drift/${enc}`, refresh);
  const heat = useApi<Heat>(enc && `/api/drift/${enc}/psi`, refresh);
  const alerts = useApi<Page<Alert>>(`/api/alerts?limit=200${enc ? `&strategy=${enc}` : ''}`, refresh);
  const [runDate, setRunDate] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [running, setRunning] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  async function runMonitor() {
    setRunning(true);
    try {
      const r = await post<MonitorRun>(
        '/api/monitor/run',
        { date: runDate, ...(strategy ? { strategy } : {}) },
        token,
      );
      const fresh = r.alerts.filter((a) => a.new).length;
      setMessage(
        `${r.date} · ${r.strategyId}: ${r.decision} (${r.alerts.length} alert${r.alerts.length === 1 ? '' : 's'}, ${fresh} new)`,
      );
      setStrategy(r.strategyId);
      setRefresh((k) => k + 1);
    } catch (e) {
      setMessage(`refused: ${e instanceof ApiError ? e.message : String(e)}`);
    } finally {
      setRunning(false);
      setConfirming(false);
    }
  }

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
          No drift metrics yet: run the monitor for a date below, or{' '}
          <code>alphalab monitor run --date D</code>.
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
      <div className="monitor-run">
        <label>
          Run the monitor for{' '}
          <input
            data-testid="monitor-date"
            type="date"
            value={runDate}
            onChange={(e) => setRunDate(e.target.value)}
          />
        </label>{' '}
        <button
          type="button"
          data-testid="monitor-run"
          disabled={!/^\d{4}-\d{2}-\d{2}$/.test(runDate) || running}
          onClick={() => setConfirming(true)}
        >
          Run monitor
        </button>{' '}
        <TokenInput token={token} onToken={onToken} />
      </div>
      {message && (
        <p data-testid="monitor-message" className="notice">
          {message}
        </p>
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
      {confirming && (
        <div className="backdrop">
          <div role="dialog" aria-modal="true" aria-labelledby="monitor-confirm-title" className="dialog">
            <h3 id="monitor-confirm-title">
              Run the drift monitor for {strategy ?? 'the default strategy'} on {runDate}?
            </h3>
            <p>
              The day's drift metrics and alerts are computed and stored (a re-run replaces them); new alerts
              go to the configured sinks.
            </p>
            {!token && (
              <p className="error" data-testid="confirm-no-token">
                Enter the API token (server.token) first: the server refuses to run the monitor without it.
              </p>
            )}
            <div className="actions">
              <button type="button" data-testid="confirm-cancel" onClick={() => setConfirming(false)}>
                Cancel
              </button>
              <button
                type="button"
                data-testid="confirm-ok"
                className="primary"
                disabled={!token || running}
                onClick={() => void runMonitor()}
              >
                {running ? 'Running…' : 'Run'}
              </button>
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
