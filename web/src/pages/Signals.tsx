/** Signal feed: the day's ML signals with their confidence and Kelly size. */
import { useMemo, useState } from 'react';
import { fmt, type Page, pct } from '../api.ts';
import { Chart } from '../components/Chart.tsx';
import { Status, Table } from '../components/Table.tsx';
import { useApi } from '../hooks.ts';

interface Signal {
  ticker: string;
  direction: 'LONG' | 'SHORT';
  confidence: number | null;
  size: number | null;
}
interface Feed extends Page<Signal> {
  date: string | null;
  long: number;
  short: number;
}

export function SignalsPage() {
  const dates = useApi<{ dates: string[] }>('/api/signals/dates');
  const [date, setDate] = useState<string | null>(null);
  const feed = useApi<Feed>(`/api/signals?limit=1000${date ? `&date=${date}` : ''}`);
  const option = useMemo(() => {
    const items = feed.data?.items ?? [];
    if (!items.length) return undefined;
    return {
      title: { text: 'Confidence by ticker (LONG up, SHORT down)', textStyle: { fontSize: 13 } },
      tooltip: { trigger: 'axis' },
      grid: { left: 48, right: 16, top: 40, bottom: 48 },
      xAxis: { type: 'category', data: items.map((s) => s.ticker), axisLabel: { rotate: 45 } },
      yAxis: { type: 'value', min: -1, max: 1 },
      series: [
        {
          type: 'bar',
          data: items.map((s) => ({
            value: (s.direction === 'LONG' ? 1 : -1) * (s.confidence ?? 0),
            itemStyle: { color: s.direction === 'LONG' ? '#2a9d8f' : '#e76f51' },
          })),
        },
      ],
    };
  }, [feed.data]);
  return (
    <section>
      <h2>Signal feed</h2>
      {dates.data && dates.data.dates.length > 0 && (
        <label>
          Date{' '}
          <select
            data-testid="signal-date"
            value={date ?? dates.data.dates[0]}
            onChange={(e) => setDate(e.target.value)}
          >
            {dates.data.dates.map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </label>
      )}
      <Status loading={feed.loading} error={feed.error} />
      {feed.data && feed.data.date === null && (
        <p>
          No ML signals stored yet: run <code>alphalab predict --date D</code>.
        </p>
      )}
      {feed.data?.date && (
        <>
          <p data-testid="signal-summary">
            {feed.data.date}: {feed.data.total} signals — {feed.data.long} long, {feed.data.short} short
          </p>
          {option && <Chart testId="signal-chart" option={option} height={260} />}
          <Table
            testId="signal-table"
            rows={feed.data.items}
            rowKey={(s) => s.ticker}
            columns={[
              { key: 'ticker', label: 'Ticker', render: (s) => s.ticker },
              {
                key: 'direction',
                label: 'Direction',
                render: (s) => (
                  <span className={s.direction === 'LONG' ? 'long' : 'short'}>{s.direction}</span>
                ),
              },
              { key: 'confidence', label: 'Confidence', numeric: true, render: (s) => pct(s.confidence, 1) },
              { key: 'size', label: 'Kelly size', numeric: true, render: (s) => fmt(s.size, 4) },
            ]}
          />
        </>
      )}
    </section>
  );
}
