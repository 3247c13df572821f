/** Public API of the HTTP server (issue 10). */
export {
  type AlphalabServer,
  API_VERSION,
  buildServer,
  type ServerOptions,
  type StartServerOptions,
  startServer,
} from './app.ts';
export { bearerAuthorizer } from './auth.ts';
export { DEFAULT_WEB_DIR, dashboardBuilt } from './dashboard.ts';
export {
  type ErrorBody,
  HttpError,
  type Issue,
  type MappedError,
  mapError,
  RequestValidationError,
} from './http-errors.ts';
export { type OpenApiInfo, openApiDocument } from './openapi.ts';
export { type HttpMethod, type RouteSpec, route } from './route.ts';
export type { MonitorRunner, MonitorRunOutcome, MonitorRunRequest } from './routes/drift.ts';
export { type ImportanceRow, modelFeatureImportance } from './sources/importance.ts';
export { psiByFeature } from './sources/psi-by-feature.ts';
export {
  type IcSeriesPoint,
  RUN_FILES,
  type RunFile,
  type RunSummary,
  RunsFolder,
} from './sources/runs-folder.ts';
export { type FeedSignal, SIGNAL_FEATURES, signalDates, signalsOn } from './sources/signal-feed.ts';
