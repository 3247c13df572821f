/**
 * The alphalab HTTP server (architecture.md §1, issue 10): a fastify app over a research runs folder, the
 * store (feature store, model registry, monitoring tables) and persisted risk models, with the dashboard's
 * static files on the same origin. Every route is declared once with zod schemas (route.ts), which drive
 * validation, the OpenAPI 3.1 document at /openapi.json, and (in tests) response checks.
 */
import { join, resolve } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../core/log.ts';
import type { Store } from '../store/open-store.ts';
import { bearerAuthorizer } from './auth.ts';
import { DEFAULT_WEB_DIR, dashboardBuilt, registerDashboard } from './dashboard.ts';
import { errorHandler } from './http-errors.ts';
import { openApiDocument } from './openapi.ts';
import { type RouteSpec, registerRoute, route } from './route.ts';
import { driftRoutes, type MonitorRunner } from './routes/drift.ts';
import { featureRoutes } from './routes/features.ts';
import { modelRoutes } from './routes/models.ts';
import { riskRoutes } from './routes/risk.ts';
import { runRoutes } from './routes/runs.ts';
import { signalRoutes } from './routes/signals.ts';
import { RunsFolder } from './sources/runs-folder.ts';

export const API_VERSION = '1.0.0';

export interface ServerOptions {
  /** An open store; the caller closes it after the server. */
  readonly store: Store;
  /** Folder of research runs (one sub-folder per run). */
  readonly runsDir: string;
  /** Root of persisted risk models; default `<store.workspace>/artifacts/risk_model`. */
  readonly riskRoot?: string;
  /** Bearer token for mutating endpoints; without one they answer 403. */
  readonly token?: string;
  /** Built dashboard (default web/dist of this checkout). */
  readonly webDir?: string;
  /** The drift monitor; without one POST /api/monitor/run answers 503 with `monitorUnavailable`. */
  readonly monitor?: MonitorRunner;
  /** Why there is no monitor and how to get one (e.g. the flag that names a universe). */
  readonly monitorUnavailable?: string;
  /** Request log (pino); default none. */
  readonly logger?: Logger;
  /** Check each JSON response against its declared schema (tests). */
  readonly validateResponses?: boolean;
}

export interface AlphalabServer {
  readonly app: FastifyInstance;
  readonly routes: readonly RouteSpec[];
  /** The OpenAPI 3.1 document served at /openapi.json. */
  readonly openapi: Record<string, unknown>;
}

export async function buildServer(options: ServerOptions): Promise<AlphalabServer> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: 4 * 1024 * 1024,
  }) as unknown as FastifyInstance;
  const webDir = resolve(options.webDir ?? DEFAULT_WEB_DIR);
  const runs = new RunsFolder(options.runsDir);
  const riskRoot = resolve(options.riskRoot ?? join(options.store.workspace, 'artifacts', 'risk_model'));

  const health = route({
    method: 'GET',
    url: '/api/health',
    tag: 'system',
    summary: 'Liveness, engine, folders and whether the dashboard is built and mutations are enabled',
    response: z.object({
      status: z.literal('ok'),
      version: z.string(),
      engine: z.enum(['duckdb', 'postgres']),
      runsDir: z.string(),
      riskRoot: z.string(),
      dashboardBuilt: z.boolean(),
      mutationsEnabled: z.boolean(),
      monitorAvailable: z.boolean(),
    }),
    handler: async () => {
      await options.store.engine.query('SELECT 1 AS one');
      return {
        status: 'ok' as const,
        version: API_VERSION,
        engine: options.store.engine.dialect.name,
        runsDir: runs.root,
        riskRoot,
        dashboardBuilt: dashboardBuilt(webDir),
        mutationsEnabled: options.token !== undefined && options.token !== '',
        monitorAvailable: options.monitor !== undefined,
      };
    },
  });
  const routes: RouteSpec[] = [
    health,
    ...runRoutes(runs),
    ...signalRoutes(options.store),
    ...modelRoutes(options.store),
    ...featureRoutes(options.store),
    ...driftRoutes(options.store, options.monitor, options.monitorUnavailable),
    ...riskRoutes(riskRoot),
  ] as RouteSpec[];
  const openapi = openApiDocument(routes, {
    title: 'alphalab API',
    version: API_VERSION,
    description:
      'Research runs, signals, the model registry, the feature store, drift monitoring and risk models. Missing numbers are null. Mutating endpoints need `Authorization: Bearer <server.token>`.',
  });

  app.setErrorHandler(
    errorHandler([
      [runs.root, '<runs>'],
      [riskRoot, '<risk_model>'],
      [resolve(options.store.workspace), '<workspace>'],
      [webDir, '<web>'],
    ]),
  );
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'SAMEORIGIN');
    return payload;
  });
  const registerOptions = {
    authorize: bearerAuthorizer(options.token),
    validateResponses: options.validateResponses === true,
  };
  for (const r of routes) registerRoute(app, r, registerOptions);
  app.get('/openapi.json', async (_req, reply) =>
    reply.type('application/json; charset=utf-8').send(openapi),
  );
  await registerDashboard(app, webDir);
  return { app, routes, openapi };
}

export interface StartServerOptions extends ServerOptions {
  /** Default 127.0.0.1: the server is not exposed beyond this machine unless asked. */
  readonly host?: string;
  /** Default 8737; 0 picks a free port. */
  readonly port?: number;
}

/** Builds and starts the server; resolves to its URL once it is listening. */
export async function startServer(options: StartServerOptions): Promise<AlphalabServer & { url: string }> {
  const server = await buildServer(options);
  const url = await server.app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8737 });
  return { ...server, url };
}
