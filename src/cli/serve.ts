/**
 * `alphalab serve`: the HTTP API and the dashboard (src/server) on 127.0.0.1 by default, over a runs folder,
 * the store and the persisted risk models. Runs until SIGINT/SIGTERM, then closes the server and the store.
 */
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { type AlphalabServer, buildServer } from '../server/index.ts';
import { type CliContext, createCliContext } from './context.ts';
import { withCliStore } from './features.ts';
import {
  addServeMonitorOptions,
  NO_UNIVERSE_MESSAGE,
  type ServeMonitorFlags,
  serveMonitorRunner,
} from './serve-monitor.ts';

interface ServeFlags extends ServeMonitorFlags {
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

export interface ServeHooks {
  /** Called once the server listens (tests close it from here). */
  readonly onListening?: (server: AlphalabServer & { url: string }) => void;
}

export function registerServeCommand(
  program: Command,
  ctx: CliContext = createCliContext(),
  hooks: ServeHooks = {},
): Command {
  return addServeMonitorOptions(program.command('serve'))
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
POST /api/monitor/run runs the drift monitor on the universe named by --universe (or data.universe), or on
the synthetic market of --stocks/--days/--seed; without any of them it answers 503 saying so.

Examples:
  $ alphalab serve --runs out --workspace .alphalab
  $ alphalab serve --universe data/sp500 --rules rules.yaml
  $ ALPHALAB_SERVER__TOKEN=s3cret alphalab serve --port 8080 --db postgres://localhost/alphalab`,
    )
    .action(async (flags: ServeFlags, command: Command) => {
      const session = ctx.session(command);
      const config = session.config();
      await withCliStore(session, flags, async (store) => {
        const monitor = serveMonitorRunner(session, config, store, flags);
        const built = await buildServer({
          store,
          runsDir: resolve(flags.runs),
          ...(config.server.token === undefined ? {} : { token: String(config.server.token) }),
          ...(flags.web === undefined ? {} : { webDir: resolve(flags.web) }),
          ...(monitor ? { monitor } : { monitorUnavailable: NO_UNIVERSE_MESSAGE }),
          logger: session.logger,
        });
        // Hooks cannot be added once fastify listens.
        const closed = new Promise<void>((done) => built.app.addHook('onClose', async () => done()));
        const url = await built.app.listen({
          host: flags.host ?? config.server.host,
          port: flags.port ?? config.server.port,
        });
        const server = { ...built, url };
        const stop = () => void server.app.close();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        session.print(
          `alphalab serving on ${server.url} (dashboard ${server.url}/, API ${server.url}/openapi.json); mutations ${config.server.token ? 'enabled' : 'disabled (no server.token)'}; drift monitor ${monitor ? 'available' : 'off (no --universe)'}`,
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
