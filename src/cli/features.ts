/**
 * `alphalab features define|list|write|latest|pit|export`: the bitemporal feature store from the shell.
 * CSV in (header row, comma-separated, double quotes for fields holding commas), table or `--json` out.
 * The store is the workspace's DuckDB file unless `--db` or ALPHALAB_DB_URL names PostgreSQL.
 */
import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { parseInstant } from '../core/calendar.ts';
import { InvalidInputError } from '../core/errors.ts';
import type { FeatureWrite, JsonValue, PitRequest } from '../store/features/types.ts';
import { openStore, type Store } from '../store/open-store.ts';
import { type CliContext, type CliSession, createCliContext } from './context.ts';

/** Global-ish store flags shared by `features` and `models`. */
export interface StoreFlags {
  readonly db?: string;
  readonly workspace?: string;
}

export function addStoreOptions(cmd: Command): Command {
  return cmd
    .option(
      '--db <url>',
      'database: postgres://… or duckdb:<file> (default: ALPHALAB_DB_URL, else the workspace DuckDB file)',
    )
    .option(
      '--workspace <dir>',
      'workspace folder holding the DuckDB file and artifacts (default: config store.workspace)',
    )
    .option('--json', 'machine-readable JSON on stdout');
}

/** Opens the store named by the flags, the config and the environment; closes it after `fn`. */
export async function withCliStore<T>(
  session: CliSession,
  flags: StoreFlags,
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  const cfg = session.config();
  const dbUrl = flags.db ?? cfg.store.db_url;
  const store = await openStore({
    workspace: flags.workspace ?? cfg.store.workspace,
    ...(dbUrl ? { dbUrl } : {}),
    env: {},
  });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export function wantsJson(session: CliSession, command: Command): boolean {
  return session.options.json || command.opts().json === true;
}

export function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1)
    throw new InvalidArgumentError(`'${value}' is not a positive integer`);
  return Number(value);
}

/** A duration: plain milliseconds or a number with unit ms, s, m, h, d (e.g. 90m, 1d). */
export function parseDuration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`'${value}' is not a duration like 3600000, 90m, 1h or 1d`);
  const unit = { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[(m[2] ?? 'ms') as 'ms'];
  return Number(m[1]) * unit;
}

const splitList = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Minimal RFC-4180 CSV reader: header → records of strings. */
export function readCsv(file: string): Record<string, string>[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new InvalidInputError('cannot read the CSV file', { where: { file }, cause });
  }
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.some((x) => x !== '')) rows.push(row);
      row = [];
    } else field += c;
  }
  row.push(field);
  if (row.some((x) => x !== '')) rows.push(row);
  const [header, ...body] = rows;
  if (!header) throw new InvalidInputError('the CSV file is empty', { where: { file } });
  return body.map((r, k) => {
    if (r.length !== header.length) {
      throw new InvalidInputError(`expected ${header.length} fields, found ${r.length}`, {
        where: { file, row: k + 2 },
      });
    }
    return Object.fromEntries(header.map((h, j) => [h.trim(), r[j]!]));
  });
}

function need(rec: Record<string, string>, col: string, file: string, row: number): string {
  const v = rec[col];
  if (v === undefined || v === '')
    throw new InvalidInputError(`missing value`, { where: { file, row, column: col } });
  return v;
}

function formatMs(ms: number): string {
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString();
}

function readRequests(file: string): PitRequest[] {
  return readCsv(file).map((r, k) => ({
    entity: need(r, 'entity', file, k + 2),
    asOf: need(r, 'as_of', file, k + 2),
  }));
}

export function registerFeaturesCommand(program: Command, ctx: CliContext = createCliContext()): Command {
  const features = program
    .command('features')
    .description('bitemporal point-in-time feature store: define, write, latest, pit, export')
    .addHelpText(
      'after',
      `
Examples:
  $ alphalab features define rsi_14 --version 1
  $ alphalab features write rsi.csv --producer rsi_job --producer-version $(git rev-parse HEAD) --lag 1h
  $ alphalab features latest AAPL --as-of 2024-01-17T09:30:00Z
  $ alphalab features pit requests.csv --features rsi_14,mom_5d --json
  $ alphalab features export requests.csv --features rsi_14,mom_5d --out train.parquet
  $ alphalab features list --db postgres://user@host/db`,
    );

  addStoreOptions(
    features
      .command('define')
      .description('register a feature (name, version, value type); writes to undefined features are refused')
      .argument('<name>', 'feature name')
      .option('--version <n>', 'feature version (default 1)', parsePositiveInt)
      .addOption(new Option('--type <type>', 'value type').choices(['double', 'json']).default('double'))
      .option('--early-ingest', 'values may be known before their event time (scheduled events)')
      .option('--description <text>', 'what the feature measures'),
  ).action(async (name: string, opts: Record<string, unknown>, command: Command) => {
    const session = ctx.session(command);
    await withCliStore(session, opts, async (store) => {
      const def = await store.features.defineFeature(name, {
        ...(opts.version !== undefined ? { version: opts.version as number } : {}),
        valueType: opts.type as 'double' | 'json',
        allowEarlyIngest: opts.earlyIngest === true,
        ...(typeof opts.description === 'string' ? { description: opts.description } : {}),
      });
      if (wantsJson(session, command)) session.printJson(def);
      else session.print(`defined ${def.name} v${def.version} (${def.valueType})`);
    });
  });

  addStoreOptions(features.command('list').description('list defined features')).action(
    async (opts: Record<string, unknown>, command: Command) => {
      const session = ctx.session(command);
      await withCliStore(session, opts, async (store) => {
        const defs = await store.features.listFeatures();
        if (wantsJson(session, command)) session.printJson(defs);
        else
          session.print(
            defs
              .map(
                (d) => `${d.name}\tv${d.version}\t${d.valueType}${d.description ? `\t${d.description}` : ''}`,
              )
              .join('\n') || '(no features)',
          );
      });
    },
  );

  addStoreOptions(
    features
      .command('write')
      .description(
        'write feature values from a CSV with columns entity,feature,event_time,value[,ingest_time][,version]',
      )
      .argument('<file>', 'CSV file')
      .requiredOption('--producer <name>', 'job that produced the values')
      .option('--producer-version <sha>', 'code version of the producer (git SHA)')
      .option('--run-id <id>', 'run id of the producing job')
      .option(
        '--lag <duration>',
        'backfill availability lag: ingest_time = event_time + lag (e.g. 1h, 1d)',
        parseDuration,
      ),
  ).action(async (file: string, opts: Record<string, unknown>, command: Command) => {
    const session = ctx.session(command);
    const recs = readCsv(file);
    await withCliStore(session, opts, async (store) => {
      const defs = new Map((await store.features.listFeatures()).map((d) => [`${d.name}@${d.version}`, d]));
      const rows: FeatureWrite[] = recs.map((r, k) => {
        const row = k + 2;
        const feature = need(r, 'feature', file, row);
        const version = r.version ? Number(r.version) : undefined;
        const isJson = [...defs.values()].some(
          (d) =>
            d.name === feature && d.valueType === 'json' && (version === undefined || d.version === version),
        );
        const raw = need(r, 'value', file, row);
        let value: number | JsonValue;
        if (isJson) {
          try {
            value = JSON.parse(raw) as JsonValue;
          } catch (cause) {
            throw new InvalidInputError(`value is not JSON`, {
              where: { file, row, column: 'value' },
              cause,
            });
          }
        } else value = Number(raw);
        return {
          entity: need(r, 'entity', file, row),
          feature,
          eventTime: need(r, 'event_time', file, row),
          value,
          ...(r.ingest_time ? { ingestTime: r.ingest_time } : {}),
          ...(version !== undefined ? { version } : {}),
        };
      });
      const result = await store.features.writeFeatures(rows, {
        producer: opts.producer as string,
        ...(typeof opts.producerVersion === 'string' ? { producerVersion: opts.producerVersion } : {}),
        runId: typeof opts.runId === 'string' ? opts.runId : session.runId,
        ...(opts.lag !== undefined ? { availabilityLagMs: opts.lag as number } : {}),
      });
      if (wantsJson(session, command)) session.printJson(result);
      else
        session.print(
          `wrote ${result.inserted} rows (${result.skipped} already known) as write ${result.writeId}`,
        );
    });
  });

  addStoreOptions(
    features
      .command('latest')
      .description('latest visible value of each feature of one entity')
      .argument('<entity>', 'entity key, e.g. AAPL.NASDAQ')
      .option('--features <list>', 'comma-separated feature names (default: all)', splitList)
      .option('--as-of <time>', 'point in time, ISO with zone or yyyy-mm-dd (= that close); default now')
      .option('--version <n>', 'feature version (default: newest of each)', parsePositiveInt),
  ).action(async (entity: string, opts: Record<string, unknown>, command: Command) => {
    const session = ctx.session(command);
    await withCliStore(session, opts, async (store) => {
      const asOf = typeof opts.asOf === 'string' ? parseInstant(opts.asOf) : undefined;
      const map = await store.features.getLatest(entity, opts.features as string[] | undefined, {
        ...(asOf !== undefined ? { asOf } : {}),
        ...(opts.version !== undefined ? { version: opts.version as number } : {}),
      });
      const rows = [...map.values()].map((v) => ({
        ...v,
        eventTime: formatMs(v.eventTimeMs),
        ingestTime: formatMs(v.ingestTimeMs),
      }));
      if (wantsJson(session, command)) session.printJson(rows);
      else
        session.print(
          rows
            .map(
              (v) =>
                `${v.feature}\tv${v.version}\t${JSON.stringify(v.value)}\tevent ${v.eventTime}\tingested ${v.ingestTime}`,
            )
            .join('\n') || `(no visible values for ${entity})`,
        );
    });
  });

  addStoreOptions(
    features
      .command('pit')
      .description('point-in-time values for a CSV of requests with columns entity,as_of')
      .argument('<requests>', 'CSV file of requests')
      .requiredOption('--features <list>', 'comma-separated feature names', splitList)
      .option('--version <n>', 'feature version (default: newest of each)', parsePositiveInt),
  ).action(async (file: string, opts: Record<string, unknown>, command: Command) => {
    const session = ctx.session(command);
    const requests = readRequests(file);
    await withCliStore(session, opts, async (store) => {
      const pit = await store.features.getPointInTime(requests, opts.features as string[], {
        ...(opts.version !== undefined ? { version: opts.version as number } : {}),
      });
      const F = pit.features.length;
      const rows = requests.flatMap((q, r) =>
        pit.features.map((d, f) => {
          const c = r * F + f;
          const found = !Number.isNaN(pit.eventTimeMs[c]!);
          return {
            entity: q.entity,
            as_of: formatMs(parseInstant(String(q.asOf))),
            feature: d.name,
            version: d.version,
            value: found ? (d.valueType === 'json' ? (pit.json?.[c] ?? null) : pit.value[c]!) : null,
            event_time: found ? formatMs(pit.eventTimeMs[c]!) : null,
            ingest_time: found ? formatMs(pit.ingestTimeMs[c]!) : null,
          };
        }),
      );
      if (wantsJson(session, command)) session.printJson(rows);
      else {
        session.print('entity,as_of,feature,version,value,event_time,ingest_time');
        for (const x of rows)
          session.print(
            [
              x.entity,
              x.as_of,
              x.feature,
              x.version,
              x.value === null ? '' : JSON.stringify(x.value),
              x.event_time ?? '',
              x.ingest_time ?? '',
            ].join(','),
          );
      }
    });
  });

  addStoreOptions(
    features
      .command('export')
      .description('export a point-in-time training set to Parquet and record its SHA-256 fingerprint')
      .argument('<requests>', 'CSV file of requests with columns entity,as_of')
      .requiredOption('--features <list>', 'comma-separated feature names', splitList)
      .requiredOption('--out <file>', 'Parquet file to write')
      .option('--version <n>', 'feature version (default: newest of each)', parsePositiveInt),
  ).action(async (file: string, opts: Record<string, unknown>, command: Command) => {
    const session = ctx.session(command);
    const requests = readRequests(file);
    await withCliStore(session, opts, async (store) => {
      const out = await store.exportTrainingSet(requests, opts.features as string[], {
        path: opts.out as string,
        runId: session.runId,
        ...(opts.version !== undefined ? { version: opts.version as number } : {}),
      });
      if (wantsJson(session, command)) session.printJson(out);
      else session.print(`wrote ${out.rowCount} rows to ${out.path}\nfingerprint ${out.fingerprint}`);
    });
  });
  return features;
}
