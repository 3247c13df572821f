/** Models: the registry, metrics by dataset type, stage history, promote and rollback (token + confirmation). */
import { useEffect, useMemo, useState } from 'react';
import { ApiError, fmt, type Page, post } from '../api.ts';
import { Chart } from '../components/Chart.tsx';
import { Status, Table } from '../components/Table.tsx';
import { TokenInput } from '../components/TokenInput.tsx';
import { useApi } from '../hooks.ts';

interface ModelRow {
  name: string;
  version: number;
  activeVersion: number | null;
  strategyType: string | null;
}
interface VersionRow {
  version: number;
  active: boolean;
  createdAt: string;
  description: string | null;
}
interface VersionDetail {
  version: number;
  metricsByDataset: Record<string, Record<string, number | null>>;
  artifacts: { artifactType: string; name: string; sha256: string; sizeBytes: number }[];
}
interface StageEvent {
  seq: number;
  version: number | null;
  action: string;
  changedAt: string;
  changedBy: string;
  reason: string | null;
}
type Pending = { kind: 'promote'; version: number } | { kind: 'rollback' };

export function ModelsPage({ token, onToken }: { token: string; onToken: (t: string) => void }) {
  const [refresh, setRefresh] = useState(0);
  const models = useApi<Page<ModelRow>>('/api/models?limit=1000', refresh);
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    if (name === null && models.data?.items.length) setName(models.data.items[0]!.name);
  }, [models.data, name]);
  const enc = name && encodeURIComponent(name);
  const versions = useApi<Page<VersionRow>>(enc && `/api/models/${enc}/versions?limit=1000`, refresh);
  const history = useApi<Page<StageEvent>>(enc && `/api/models/${enc}/history?limit=50`, refresh);
  const [selected, setSelected] = useState<number | null>(null);
  const active = versions.data?.items.find((v) => v.active)?.version ?? null;
  const shown = selected ?? active ?? versions.data?.items.at(-1)?.version ?? null;
  const detail = useApi<VersionDetail>(
    enc && shown !== null ? `/api/models/${enc}/versions/${shown}` : null,
    refresh,
  );
  const [pending, setPending] = useState<Pending | null>(null);
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<string | null>(null);

  const metricsOption = useMemo(() => {
    const m = detail.data?.metricsByDataset;
    if (!m) return undefined;
    const datasets = Object.keys(m);
    const names = [...new Set(datasets.flatMap((d) => Object.keys(m[d]!)))].sort();
    return {
      title: { text: `Metrics of v${detail.data!.version} by dataset type`, textStyle: { fontSize: 13 } },
      tooltip: { trigger: 'axis' },
      legend: { top: 22 },
      grid: { left: 48, right: 16, top: 60, bottom: 32 },
      xAxis: { type: 'category', data: names },
      yAxis: { type: 'value' },
      series: datasets.map((d) => ({ name: d, type: 'bar', data: names.map((n) => m[d]![n] ?? null) })),
    };
  }, [detail.data]);

  async function confirm() {
    if (!pending || !enc) return;
    const body = { ...(reason ? { reason } : {}), by: 'dashboard' };
    try {
      const ev = await post<StageEvent>(
        `/api/models/${enc}/${pending.kind}`,
        pending.kind === 'promote' ? { ...body, version: pending.version } : body,
        token,
      );
      setMessage(`${ev.action}: version ${ev.version} is now active`);
      setSelected(null);
      setRefresh((r) => r + 1);
    } catch (e) {
      setMessage(`refused: ${e instanceof ApiError ? e.message : String(e)}`);
    } finally {
      setPending(null);
      setReason('');
    }
  }

  return (
    <section>
      <h2>Models</h2>
      <TokenInput token={token} onToken={onToken} />
      <Status loading={models.loading} error={models.error} />
      {models.data && (
        <Table
          testId="models-table"
          rows={models.data.items}
          rowKey={(m) => m.name}
          columns={[
            {
              key: 'name',
              label: 'Model',
              render: (m) => (
                <button
                  type="button"
                  className="link"
                  onClick={() => {
                    setName(m.name);
                    setSelected(null);
                  }}
                >
                  {m.name}
                </button>
              ),
            },
            { key: 'strategyType', label: 'Strategy', render: (m) => m.strategyType ?? '' },
            { key: 'version', label: 'Newest', numeric: true, render: (m) => `v${m.version}` },
            {
              key: 'active',
              label: 'Active',
              numeric: true,
              render: (m) => (m.activeVersion === null ? 'none' : `v${m.activeVersion}`),
            },
          ]}
        />
      )}
      {message && (
        <p data-testid="stage-message" className="notice">
          {message}
        </p>
      )}
      {name && versions.data && (
        <>
          <h3>
            {name}: versions{' '}
            <button
              type="button"
              data-testid="rollback"
              disabled={history.data?.total === 0}
              onClick={() => setPending({ kind: 'rollback' })}
            >
              Roll back
            </button>
          </h3>
          <Table
            testId="versions-table"
            rows={versions.data.items}
            rowKey={(v) => String(v.version)}
            columns={[
              {
                key: 'version',
                label: 'Version',
                render: (v) => (
                  <button type="button" className="link" onClick={() => setSelected(v.version)}>
                    v{v.version}
                  </button>
                ),
              },
              {
                key: 'active',
                label: 'Stage',
                render: (v) => (v.active ? <strong data-testid={`active-v${v.version}`}>active</strong> : ''),
              },
              { key: 'createdAt', label: 'Created', render: (v) => v.createdAt.slice(0, 19) },
              { key: 'description', label: 'Description', render: (v) => v.description ?? '' },
              {
                key: 'promote',
                label: '',
                render: (v) =>
                  v.active ? null : (
                    <button
                      type="button"
                      data-testid={`promote-v${v.version}`}
                      onClick={() => setPending({ kind: 'promote', version: v.version })}
                    >
                      Promote
                    </button>
                  ),
              },
            ]}
          />
        </>
      )}
      <Status loading={detail.loading} error={detail.error} />
      {metricsOption && <Chart testId="metrics-chart" option={metricsOption} height={280} />}
      {detail.data && (
        <Table
          testId="metrics-table"
          rows={Object.entries(detail.data.metricsByDataset).flatMap(([d, m]) =>
            Object.entries(m).map(([k, v]) => ({ d, k, v })),
          )}
          rowKey={(r) => `${r.d}:${r.k}`}
          columns={[
            { key: 'd', label: 'Dataset', render: (r) => r.d },
            { key: 'k', label: 'Metric', render: (r) => r.k },
            { key: 'v', label: 'Value', numeric: true, render: (r) => fmt(r.v, 4) },
          ]}
        />
      )}
      {history.data && (
        <>
          <h3>Stage history</h3>
          <Table
            testId="history-table"
            rows={history.data.items}
            rowKey={(e) => String(e.seq)}
            columns={[
              { key: 'changedAt', label: 'When', render: (e) => e.changedAt.slice(0, 19) },
              { key: 'action', label: 'Action', render: (e) => e.action },
              {
                key: 'version',
                label: 'Active after',
                render: (e) => (e.version === null ? 'none' : `v${e.version}`),
              },
              { key: 'by', label: 'By', render: (e) => e.changedBy },
              { key: 'reason', label: 'Reason', render: (e) => e.reason ?? '' },
            ]}
          />
        </>
      )}
      {pending && (
        <div className="backdrop">
          <div role="dialog" aria-modal="true" aria-labelledby="confirm-title" className="dialog">
            <h3 id="confirm-title">
              {pending.kind === 'promote'
                ? `Promote ${name} v${pending.version} to active?`
                : `Roll back ${name} to the previously active version?`}
            </h3>
            <p>Live signals will come from the new active version.</p>
            {!token && (
              <p className="error" data-testid="confirm-no-token">
                Enter the API token (server.token) above first: the server refuses stage changes without it.
              </p>
            )}
            <label>
              Reason{' '}
              <input
                data-testid="confirm-reason"
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
            </label>
            <div className="actions">
              <button type="button" data-testid="confirm-cancel" onClick={() => setPending(null)}>
                Cancel
              </button>
              <button
                type="button"
                data-testid="confirm-ok"
                className="primary"
                disabled={!token}
                onClick={() => void confirm()}
              >
                Confirm
              </button>
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
