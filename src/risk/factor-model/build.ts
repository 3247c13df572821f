/**
 * The risk-model build of seed 000 (C.2b) on an alphalab universe: log returns from Close, the default
 * loading set (or the caller's), Fama–MacBeth as of a date, then persistence to `{root}/{date}/`.
 * Graceful degradation as the seed asks: a skip rule returns `status: 'skipped'` with its reason; a
 * persistence failure is logged as a warning and reported in `persistence`, and the in-memory model is
 * still returned; `dryRun` builds without writing.
 */
import { isIsoDate, lastIndexAtOrBefore } from '../../core/calendar.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { type Logger, silentLogger } from '../../core/log.ts';
import type { Universe } from '../../core/universe.ts';
import { writeRiskModel } from '../persistence/write.ts';
import { FM_DEFAULTS, fitFamaMacBeth } from './fama-macbeth.ts';
import { defaultLoadings, logReturnsFromUniverse } from './loadings.ts';
import type {
  DroppedItem,
  FactorRiskModel,
  FamaMacBethDiagnostics,
  FamaMacBethOptions,
  LoadingInput,
} from './types.ts';

export interface RiskBuildOptions extends Omit<FamaMacBethOptions, 'end' | 'keepResiduals'> {
  /** Build as of this date (the last universe date ≤ it); default the universe's last date. */
  readonly asOf?: string;
  /** Loading panels on the universe's grid; default `defaultLoadings(universe)`. */
  readonly loadings?: readonly LoadingInput[];
  /** Root directory of the persisted models; nothing is written without it. */
  readonly outDir?: string;
  /** Build, but do not write. */
  readonly dryRun?: boolean;
  readonly logger?: Logger;
  /** Fixed metadata timestamp (tests). */
  readonly createdAt?: string;
}

export type PersistenceStatus =
  | { readonly status: 'written'; readonly path: string }
  | { readonly status: 'dry-run' }
  | { readonly status: 'not-requested' }
  | { readonly status: 'not-built' }
  | { readonly status: 'failed'; readonly warning: string };

export interface RiskBuildResult {
  readonly status: 'ok' | 'skipped';
  readonly reason?: string;
  readonly asOf: string | undefined;
  readonly model?: FactorRiskModel;
  readonly diagnostics: FamaMacBethDiagnostics;
  /** Default loadings the universe could not supply (e.g. no market_cap → no size). */
  readonly skippedLoadings: readonly DroppedItem[];
  readonly persistence: PersistenceStatus;
}

const EMPTY_DIAGNOSTICS: FamaMacBethDiagnostics = {
  returnDates: 0,
  validDates: 0,
  tickersWithAllLoadings: 0,
  droppedFactors: [],
  malformedTickers: [],
  tickersWithoutLoadings: [],
};

export async function buildRiskModel(
  universe: Universe,
  options: RiskBuildOptions = {},
): Promise<RiskBuildResult> {
  const logger = options.logger ?? silentLogger;
  if (options.asOf !== undefined && !isIsoDate(options.asOf)) {
    throw new InvalidInputError(`as-of date must be YYYY-MM-DD, got '${options.asOf}'`, {
      where: { field: 'date' },
    });
  }
  const end =
    options.asOf === undefined
      ? universe.dates.length - 1
      : lastIndexAtOrBefore(universe.dates, options.asOf);
  const skipped = (
    reason: string,
    diagnostics = EMPTY_DIAGNOSTICS,
    skippedLoadings: readonly DroppedItem[] = [],
  ) => {
    logger.info({ reason }, 'risk model skipped');
    return {
      status: 'skipped' as const,
      reason,
      asOf: end >= 0 ? universe.dates[end] : undefined,
      diagnostics,
      skippedLoadings,
      persistence: { status: 'not-built' as const },
    };
  };
  if (universe.dates.length === 0 || universe.tickers.length === 0) return skipped('the universe is empty');
  if (end < 0) return skipped(`the universe has no date on or before ${options.asOf}`);
  const returns = logReturnsFromUniverse(universe);
  if (!returns) return skipped('the universe has neither a close nor a return field');
  const built = options.loadings
    ? { loadings: options.loadings, skipped: [] as DroppedItem[] }
    : defaultLoadings(universe, returns);
  for (const s of built.skipped) logger.info({ loading: s.name, reason: s.reason }, 'loading skipped');
  const { asOf: _a, loadings: _l, outDir, dryRun, logger: _g, createdAt, ...fmOptions } = options;
  const fit = fitFamaMacBeth(returns, built.loadings, { ...fmOptions, end });
  if (fit.status === 'skipped') return skipped(fit.reason, fit.diagnostics, built.skipped);
  const model = fit.model;
  let persistence: PersistenceStatus;
  if (dryRun) persistence = { status: 'dry-run' };
  else if (outDir === undefined) persistence = { status: 'not-requested' };
  else {
    try {
      const path = await writeRiskModel(model, {
        root: outDir,
        diagnostics: fit.diagnostics,
        buildParameters: {
          ...FM_DEFAULTS,
          ...fmOptions,
          asOf: model.asOf,
          source: universe.source,
          loadings: built.loadings.map((l) => l.name),
          skippedLoadings: built.skipped,
        },
        ...(createdAt === undefined ? {} : { createdAt }),
      });
      persistence = { status: 'written', path };
    } catch (e) {
      const warning = `risk model for ${model.asOf} was built but not persisted: ${e instanceof Error ? e.message : String(e)}`;
      logger.warn({ err: e }, warning);
      persistence = { status: 'failed', warning };
    }
  }
  return {
    status: 'ok',
    asOf: model.asOf,
    model,
    diagnostics: fit.diagnostics,
    skippedLoadings: built.skipped,
    persistence,
  };
}
