/** Feature importance of a model version: gain, cover, weight (GBDT splits). */
import { useEffect, useMemo, useState } from 'react';
import { fmt, type Page, pct } from '../api.ts';
import { Chart } from '../components/Chart.tsx';
import { Status, Table } from '../components/Table.tsx';
import { useApi } from '../hooks.ts';

interface Row {
  feature: string;
  weight: number;
  gain: number | null;
  totalGain: number;
  cover: number | null;
  gainShare: number | null;
}
type Sort = 'totalGain' | 'gain' | 'weight' | 'cover';

export function ImportancePage() {
  const models = useApi<Page<{ name: string; activeVersion: number | null }>>('/api/models?limit=1000');
  const [name, setName] = useState<string | null>(null);
  const [sort, setSort] = useState<Sort>('totalGain');
  useEffect(() => {
    if (name === null && models.data?.items.length) setName(models.data.items[0]!.name);
  }, [models.data, name]);
  const imp = useApi<{ name: string; version: number; features: Row[] }>(
    name && `/api/models/${encodeURIComponent(name)}/importance?sort=${sort}`,
  );
  const option = useMemo(() => {
    const f = imp.data?.features;
    if (!f?.length) return undefined;
    const top = f.slice(0, 30).reverse();
    return {
      title: { text: `${imp.data!.name} v${imp.data!.version}: ${sort}`, textStyle: { fontSize: 13 } },
      tooltip: { trigger: 'axis' },
      grid: { left: 140, right: 24, top: 36, bottom: 24 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: top.map((r) => r.feature) },
      series: [{ type: 'bar', data: top.map((r) => r[sort]), itemStyle: { color: '#457b9d' } }],
    };
  }, [imp.data, sort]);
  return (
    <section>
      <h2>Feature importance</h2>
      <Status loading={models.loading} error={models.error} />
      {models.data && (
        <label>
          Model{' '}
          <select data-testid="importance-model" value={name ?? ''} onChange={(e) => setName(e.target.value)}>
            {models.data.items.map((m) => (
              <option key={m.name}>{m.name}</option>
            ))}
          </select>
        </label>
      )}{' '}
      <label>
        Measure{' '}
        <select data-testid="importance-sort" value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
          <option value="totalGain">total gain</option>
          <option value="gain">gain per split</option>
          <option value="weight">splits (weight)</option>
          <option value="cover">cover per split</option>
        </select>
      </label>
      <Status loading={imp.loading} error={imp.error} />
      {option && (
        <Chart
          testId="importance-chart"
          option={option}
          height={Math.max(240, 24 * Math.min(30, imp.data!.features.length) + 60)}
        />
      )}
      {imp.data && (
        <Table
          testId="importance-table"
          rows={imp.data.features}
          rowKey={(r) => r.feature}
          columns={[
            { key: 'feature', label: 'Feature', render: (r) => r.feature },
            { key: 'share', label: 'Gain share', numeric: true, render: (r) => pct(r.gainShare, 1) },
            { key: 'totalGain', label: 'Total gain', numeric: true, render: (r) => fmt(r.totalGain, 2) },
            { key: 'gain', label: 'Gain/split', numeric: true, render: (r) => fmt(r.gain, 3) },
            { key: 'weight', label: 'Splits', numeric: true, render: (r) => String(r.weight) },
            { key: 'cover', label: 'Cover/split', numeric: true, render: (r) => fmt(r.cover, 1) },
          ]}
        />
      )}
    </section>
  );
}
