/** Research: signal ranking, IC series and decay, portfolio comparison, and the run's HTML tear sheet. */
import { useEffect, useMemo, useState } from 'react';
import { fmt, type Page, pct } from '../api.ts';
import { Chart, lineOption } from '../components/Chart.tsx';
import { Status, Table } from '../components/Table.tsx';
import { useApi } from '../hooks.ts';

interface RunSummary {
  id: string;
  title: string | null;
  generatedAt: string | null;
  files: string[];
}
type Row = Record<string, string | number | boolean | null>;
interface TablePage extends Page<Row> {
  title: string;
}
interface LineChartData {
  kind: 'line';
  title: string;
  x: (string | number)[];
  series: { name: string; values: (number | null)[] }[];
  baseline?: number;
  yFormat?: 'num' | 'pct';
}
interface IcSeries {
  series: { horizon: number; dates: string[]; ic: (number | null)[]; cumulative: (number | null)[] }[];
}

export function ResearchPage() {
  const runs = useApi<Page<RunSummary>>('/api/runs?limit=200');
  const [run, setRun] = useState<string | null>(null);
  const [signal, setSignal] = useState<string | null>(null);
  const usable = useMemo(
    () => (runs.data?.items ?? []).filter((r) => r.files.includes('report.json') && r.title !== null),
    [runs.data],
  );
  useEffect(() => {
    if (run === null && usable.length) setRun(usable[0]!.id);
  }, [usable, run]);
  const base = run ? `/api/runs/${encodeURIComponent(run)}` : null;
  const ranking = useApi<TablePage>(base && `${base}/tables/signal-ranking?sort=icir&order=desc&limit=25`);
  const decay = useApi<LineChartData>(base && `${base}/charts/ic-decay`);
  const books = useApi<TablePage>(base && `${base}/tables/portfolio-comparison`);
  const cumulative = useApi<LineChartData>(base && `${base}/charts/cumulative-net`);
  const hasIc = usable.find((r) => r.id === run)?.files.includes('ic_series.parquet') ?? false;
  const pick = signal ?? (ranking.data?.items[0]?.signal as string | undefined) ?? null;
  const ic = useApi<IcSeries>(
    base && hasIc && pick ? `${base}/ic-series?signal=${encodeURIComponent(pick)}` : null,
  );

  const decayOption = useMemo(
    () =>
      decay.data &&
      lineOption(
        decay.data.title,
        decay.data.x,
        decay.data.series,
        decay.data.baseline === undefined ? {} : { baseline: decay.data.baseline },
      ),
    [decay.data],
  );
  const cumOption = useMemo(
    () =>
      cumulative.data &&
      lineOption(cumulative.data.title, cumulative.data.x, cumulative.data.series, {
        percent: cumulative.data.yFormat === 'pct',
      }),
    [cumulative.data],
  );
  const icOption = useMemo(() => {
    const s = ic.data?.series;
    if (!s?.length) return undefined;
    return lineOption(
      `Cumulative daily rank IC: ${pick}`,
      s[0]!.dates,
      s.map((x) => ({ name: `${x.horizon}d`, values: x.cumulative })),
      { baseline: 0 },
    );
  }, [ic.data, pick]);

  return (
    <section>
      <h2>Research</h2>
      <Status loading={runs.loading} error={runs.error} />
      {runs.data && usable.length === 0 && (
        <p>
          No research runs in the runs folder yet: run{' '}
          <code>alphalab research --out &lt;runs&gt;/&lt;name&gt;</code>.
        </p>
      )}
      {usable.length > 0 && (
        <label>
          Run{' '}
          <select
            data-testid="run-select"
            value={run ?? ''}
            onChange={(e) => {
              setRun(e.target.value);
              setSignal(null);
            }}
          >
            {usable.map((r) => (
              <option key={r.id} value={r.id}>
                {r.id} — {r.generatedAt?.slice(0, 19) ?? 'undated'}
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="grid2">
        <div>
          <h3>Signal ranking</h3>
          <Status loading={ranking.loading} error={ranking.error} />
          {ranking.data && (
            <Table
              testId="signal-ranking"
              rows={ranking.data.items}
              rowKey={(r) => String(r.signal)}
              columns={[
                {
                  key: 'signal',
                  label: 'Signal',
                  render: (r) => (
                    <button type="button" className="link" onClick={() => setSignal(String(r.signal))}>
                      {String(r.signal)}
                    </button>
                  ),
                },
                { key: 'h', label: 'h', numeric: true, render: (r) => String(r.h) },
                { key: 'ic', label: 'Mean IC', numeric: true, render: (r) => fmt(r.ic as number | null, 4) },
                {
                  key: 'icir',
                  label: 'ICIR ann',
                  numeric: true,
                  render: (r) => fmt(r.icir as number | null, 2),
                },
                { key: 'tnw', label: 't (NW)', numeric: true, render: (r) => fmt(r.tnw as number | null, 2) },
                { key: 'w', label: 'Weight', numeric: true, render: (r) => fmt(r.w as number | null, 3) },
              ]}
            />
          )}
        </div>
        <div>
          {icOption && <Chart testId="ic-series-chart" option={icOption} />}
          {!hasIc && run && <p className="muted">This run has no IC series file (ic_series.parquet).</p>}
          {decayOption && <Chart testId="ic-decay-chart" option={decayOption} />}
        </div>
      </div>
      <h3>Portfolio comparison</h3>
      <Status loading={books.loading} error={books.error} />
      {books.data && (
        <Table
          testId="portfolio-comparison"
          rows={books.data.items}
          rowKey={(r) => String(r.book)}
          columns={[
            { key: 'book', label: 'Book', render: (r) => String(r.book) },
            { key: 'ret', label: 'Ann. return', numeric: true, render: (r) => pct(r.ret as number | null) },
            { key: 'vol', label: 'Ann. vol', numeric: true, render: (r) => pct(r.vol as number | null) },
            {
              key: 'sharpe',
              label: 'Sharpe',
              numeric: true,
              render: (r) => fmt(r.sharpe as number | null, 2),
            },
            { key: 'dd', label: 'Max DD', numeric: true, render: (r) => pct(r.dd as number | null) },
            { key: 'to', label: 'Turnover/yr', numeric: true, render: (r) => fmt(r.to as number | null, 1) },
          ]}
        />
      )}
      {cumOption && <Chart testId="cumulative-chart" option={cumOption} />}
      {base && (
        <>
          <h3>Tear sheet</h3>
          <iframe
            data-testid="tear-sheet"
            title="HTML tear sheet"
            src={`${base}/report.html`}
            className="tearsheet"
          />
        </>
      )}
    </section>
  );
}
