/**
 * Research runs in a runs folder: each sub-folder written by `alphalab research --out` (or by
 * `writeResearchOutputs`) holds report.json, report.md, report.html, manifest.json and, depending on the
 * stage, returns.csv, rebalances.csv, ic.csv, weights.csv, decay.csv and ic_series.parquet. Run ids are
 * folder names checked against `safeName`, so a request can never leave the folder. Parsed report.json files
 * are cached by (path, size, mtime), so a rewritten run is re-read.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { IntegrityError, InvalidInputError, NotFoundError } from '../../core/errors.ts';
import { queryRows, sqlString, withDuckDB } from '../../data/io/duck.ts';
import type { Report } from '../../report/model.ts';
import { type CsvTable, parseCsv } from './csv.ts';

export const RUN_FILES = [
  'report.json',
  'report.md',
  'report.html',
  'manifest.json',
  'returns.csv',
  'rebalances.csv',
  'ic.csv',
  'weights.csv',
  'decay.csv',
  'ic_series.parquet',
] as const;
export type RunFile = (typeof RUN_FILES)[number];

export interface RunSummary {
  readonly id: string;
  readonly runId: string | null;
  readonly title: string | null;
  readonly generatedAt: string | null;
  readonly command: string | null;
  readonly gitSha: string | null;
  readonly files: RunFile[];
}

export interface IcSeriesPoint {
  readonly date: string;
  readonly signal: string;
  readonly horizon: number;
  readonly ic: number;
}

interface Cached<T> {
  readonly key: string;
  readonly value: T;
}

const CACHE_SIZE = 16;

export class RunsFolder {
  readonly root: string;
  private readonly cache = new Map<string, Cached<unknown>>();

  constructor(root: string) {
    this.root = resolve(root);
  }

  private dirOf(id: string): string {
    const dir = resolve(this.root, id);
    if (!dir.startsWith(this.root + sep)) throw new InvalidInputError(`run id '${id}' is not a folder name`);
    return dir;
  }

  /** Path of a run's file; NotFoundError naming the run and the file when it is absent. */
  async file(id: string, name: RunFile): Promise<string> {
    const path = join(this.dirOf(id), name);
    const s = await stat(path).catch(() => undefined);
    if (!s?.isFile()) {
      const runExists = await stat(this.dirOf(id)).catch(() => undefined);
      throw new NotFoundError(
        runExists?.isDirectory() ? `run '${id}' has no ${name}` : `no run '${id}' in the runs folder`,
        { where: { file: name } },
      );
    }
    return path;
  }

  private async cached<T>(path: string, load: (text: string) => T): Promise<T> {
    const s = await stat(path);
    const key = `${s.size}:${s.mtimeMs}`;
    const hit = this.cache.get(path);
    if (hit && hit.key === key) return hit.value as T;
    const value = load(await readFile(path, 'utf8'));
    this.cache.delete(path);
    this.cache.set(path, { key, value });
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return value;
  }

  private async json<T>(id: string, name: 'report.json' | 'manifest.json'): Promise<T> {
    const path = await this.file(id, name);
    return this.cached(path, (text) => {
      try {
        return JSON.parse(text) as T;
      } catch (cause) {
        throw new IntegrityError(`${name} of run '${id}' is not valid JSON`, {
          where: { file: path },
          cause,
        });
      }
    });
  }

  /** The run's report (report.json): sections of tables and charts. */
  async report(id: string): Promise<Report> {
    const r = await this.json<Report>(id, 'report.json');
    if (!r || typeof r !== 'object' || !Array.isArray(r.sections))
      throw new IntegrityError(`report.json of run '${id}' has no sections`, {
        where: { file: 'report.json' },
      });
    return r;
  }

  async manifest(id: string): Promise<Record<string, unknown>> {
    return this.json<Record<string, unknown>>(id, 'manifest.json');
  }

  /** One of the run's CSV files, parsed (empty cells are NaN in numeric columns). */
  async csv(
    id: string,
    name: 'returns.csv' | 'rebalances.csv' | 'ic.csv' | 'weights.csv' | 'decay.csv',
  ): Promise<CsvTable> {
    const path = await this.file(id, name);
    return this.cached(path, (text) => parseCsv(text, path));
  }

  /** Every run folder (one holding report.json or manifest.json), newest first. */
  async list(): Promise<RunSummary[]> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch((cause) => {
      throw new NotFoundError(`the runs folder ${this.root} does not exist`, {
        where: { file: this.root },
        cause,
      });
    });
    const out: RunSummary[] = [];
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('.') || !/^[A-Za-z0-9_][A-Za-z0-9_.:@-]*$/.test(e.name))
        continue;
      const names = new Set(await readdir(join(this.root, e.name)));
      const files = RUN_FILES.filter((f) => names.has(f));
      if (!files.includes('report.json') && !files.includes('manifest.json')) continue;
      out.push(await this.summary(e.name, files));
    }
    return out.sort(
      (a, b) => (b.generatedAt ?? '').localeCompare(a.generatedAt ?? '') || a.id.localeCompare(b.id),
    );
  }

  private async summary(id: string, files: readonly RunFile[]): Promise<RunSummary> {
    let report: Partial<Report> = {};
    let manifest: Record<string, unknown> = {};
    // A damaged file leaves its fields null in the listing; opening the run reports the damage.
    if (files.includes('report.json')) report = await this.report(id).catch(() => ({}));
    if (files.includes('manifest.json')) manifest = await this.manifest(id).catch(() => ({}));
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    return {
      id,
      runId: str(report.runId) ?? str(manifest.runId),
      title: str(report.title),
      generatedAt: str(report.generatedAt) ?? str(manifest.finishedAt) ?? str(manifest.startedAt),
      command: str(manifest.command),
      gitSha: str(manifest.gitSha),
      files: [...files],
    };
  }

  /** The long-format IC series (date, signal, horizon, ic) of ic_series.parquet, filtered. */
  async icSeries(id: string, filter: { signal?: string; horizon?: number }): Promise<IcSeriesPoint[]> {
    const path = await this.file(id, 'ic_series.parquet');
    const where: string[] = [];
    if (filter.signal !== undefined) where.push(`signal = ${sqlString(filter.signal)}`);
    if (filter.horizon !== undefined) where.push(`horizon = ${Math.trunc(filter.horizon)}`);
    const rows = await withDuckDB((conn) =>
      queryRows(
        conn,
        `SELECT CAST(date AS VARCHAR) AS date, signal, horizon, ic FROM read_parquet(${sqlString(path)})
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY signal, horizon, date`,
      ),
    ).catch((cause) => {
      throw new IntegrityError(`ic_series.parquet of run '${id}' cannot be read`, {
        where: { file: path },
        cause,
      });
    });
    return rows.map((r) => ({
      date: String(r.date),
      signal: String(r.signal),
      horizon: Number(r.horizon),
      ic: r.ic === null ? Number.NaN : Number(r.ic),
    }));
  }
}
