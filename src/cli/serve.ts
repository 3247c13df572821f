/**
 * `alphalab serve`: the HTTP API and the dashboard (src/server) on 127.0.0.1 by default, over a runs folder,
 * the store and the persisted risk models. Runs until SIGINT/SIGTERM, then closes the server and the store.
 */
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import type { AlphalabConfig } from '../core/config.ts';
import { type AlphalabServer, type MonitorRunner, startServer } from '../server/index.ts';
import type { Store } from '../store/open-store.ts';
import { type CliContext, createCliContext } from './context.ts';
import { withCliStore } from './features.ts';

interface ServeFlags {
  readonly host?: string;
  readonly port?: number;
  readonly workspace?: string;
  readonly runs: string;
  readonly db?: string;
  readonly web?: string;
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65535)
    throw new InvalidArgumentError(`'${value}' is not a port (0…65535)`);
  return n;
}

/**
 * The drift monitor's entry point when src/monitor is part of the build: a `runMonitor({ store, config, date,
 * strategyId })` export. Anything else (module absent, no such export) leaves the endpoint answering 501.
 */
async function loadMonitor(store: Store, config: AlphalabConfig): Promise<MonitorRunner | undefined> {
  const specifier = '../monitor/index.ts';
  try {
    const mod = (await import(/* @vite-ignore */ specifier)) as Record<string, unknown>;
    const run = mod.runMonitor;
    if (typeof run !== 'function') return undefined;
    return (req) =>
      (run as (a: object) => Promise<unknown>)({ store, config, date: req.date, strategyId: req.strategyId });
  } catch {
    return undefined;
  }
}

export interface ServeHooks {
  /** Called once the server listens (tests close it from here). */
  readonly onListening?: (server: AlphalabServer & { url: string }) => void;
}

export function registerServeCommand(
  program: Command,
  ctx: CliContext = createCliContext(),
  hooks: ServeHooks = {},
): Command {
  return program
    .command('serve')
    .description('HTTP API and web dashboard over research runs, the store and risk models')
    .option('--host <host>', 'interface to bind (default: config server.host, 127.0.0.1)')
    .option('--port <n>', 'port (default: config server.port, 8737; 0 = any free port)', port)
    .option(
      '--workspace <dir>',
      'workspace with the DuckDB file and artifacts (default: config store.workspace)',
    )
    .option('--runs <dir>', 'folder of research runs, one sub-folder per run', 'out')
    .option(
      '--db <url>',
      'database: postgres://… or duckdb:<file> (default: ALPHALAB_DB_URL, else the workspace DuckDB)',
    )
    .option('--web <dir>', 'built dashboard (default: web/dist; build it with npm run build:web)')
    .addHelpText(
      'after',
      `
Mutating endpoints (promote, rollback, run the monitor) need a bearer token: set server.token in the
configuration or ALPHALAB_SERVER__TOKEN. Without one they are refused (403).

Examples:
  $ alphalab serve --runs out --workspace .alphalab
  $ ALPHALAB_SERVER__TOKEN=s3cret alphalab serve --port 8080 --db postgres://localhost/alphalab`,
    )
    .action(async (flags: ServeFlags, command: Command) => {
      const session = ctx.session(command);
      const config = session.config();
      await withCliStore(session, flags, async (store) => {
        const monitor = await loadMonitor(store, config);
        const server = await startServer({
          store,
          runsDir: resolve(flags.runs),
          host: flags.host ?? config.server.host,
          port: flags.port ?? config.server.port,
          ...(config.server.token === undefined ? {} : { token: String(config.server.token) }),
          ...(flags.web === undefined ? {} : { webDir: resolve(flags.web) }),
          ...(monitor ? { monitor } : {}),
          logger: session.logger,
        });
        const closed = new Promise<void>((done) => server.app.addHook('onClose', async () => done()));
        const stop = () => void server.app.close();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        session.print(
          `alphalab serving on ${server.url} (dashboard ${server.url}/, API ${server.url}/openapi.json); mutations ${config.server.token ? 'enabled' : 'disabled (no server.token)'}`,
        );
        hooks.onListening?.(server);
        try {
          await closed;
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      });
    });
}
