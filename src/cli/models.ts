/**
 * `alphalab models list|show|register|promote|rollback|best|active|history`: the model registry from the
 * shell. Every stage change records who made it (`--by`, default $USER) and why (`--reason`).
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { parseInstant } from '../core/calendar.ts';
import { InvalidInputError, NotFoundError } from '../core/errors.ts';
import type { JsonValue } from '../store/features/types.ts';
import { DATASET_TYPES, type DatasetType, type ModelInfo, type StageEvent } from '../store/registry/types.ts';
import { type CliContext, createCliContext } from './context.ts';
import { addStoreOptions, parsePositiveInt, wantsJson, withCliStore } from './features.ts';

const iso = (ms: number) => (Number.isNaN(ms) ? '' : new Date(ms).toISOString());

function parseJsonFlag(value: string): JsonValue {
  try {
    return JSON.parse(value) as JsonValue;
  } catch {
    throw new InvalidArgumentError(`'${value}' is not valid JSON`);
  }
}

/** `--artifact path:type`, repeatable. */
function collectArtifact(
  value: string,
  previous: { path: string; type: string }[] = [],
): { path: string; type: string }[] {
  const k = value.lastIndexOf(':');
  if (k <= 0 || k === value.length - 1)
    throw new InvalidArgumentError(`'${value}' must be <path>:<type>, e.g. model.json:weights`);
  return [...previous, { path: value.slice(0, k), type: value.slice(k + 1) }];
}

function describeModel(m: ModelInfo): string {
  return `${m.name} v${m.version}${m.strategyType ? ` [${m.strategyType}]` : ''}  created ${iso(m.createdAt)}${m.createdBy ? ` by ${m.createdBy}` : ''}  id ${m.modelId}`;
}

function describeStage(e: StageEvent): string {
  return `${iso(e.changedAt)}  ${e.action.padEnd(10)} → ${e.version === null ? '(none)' : `v${e.version}`}  by ${e.changedBy}${e.reason ? `: ${e.reason}` : ''}`;
}

const defaultUser = () => process.env.USER ?? process.env.USERNAME ?? 'cli';

export function registerModelsCommand(program: Command, ctx: CliContext = createCliContext()): Command {
  const models = program
    .command('models')
    .description('model registry: versions, metrics, artifacts, promotion, rollback and stage history')
    .addHelpText(
      'after',
      `
Examples:
  $ alphalab models register momentum_xgb --strategy-type momentum --artifact model.json:weights \\
      --metrics '{"sharpe_ratio":1.35,"ic":0.035}' --dataset test
  $ alphalab models promote momentum_xgb 3 --reason "weekly retrain"
  $ alphalab models rollback momentum_xgb --reason "IC below 0.01"
  $ alphalab models active momentum_xgb --at 2024-03-01T12:00:00Z
  $ alphalab models best momentum sharpe_ratio --dataset test --json
  $ alphalab models history momentum_xgb`,
    );

  addStoreOptions(
    models.command('list').description('every model name with its newest version and the active one'),
  ).action(async (opts: Record<string, unknown>, command: Command) => {
    const session = ctx.session(command);
    await withCliStore(session, opts, async ({ registry }) => {
      const list = await registry.listModels();
      const rows = [];
      for (const m of list)
        rows.push({ ...m, activeVersion: (await registry.getActive(m.name))?.version ?? null });
      if (wantsJson(session, command)) session.printJson(rows);
      else
        session.print(
          rows
            .map(
              (r) =>
                `${r.name}\tlatest v${r.version}\tactive ${r.activeVersion === null ? '-' : `v${r.activeVersion}`}`,
            )
            .join('\n') || '(no models)',
        );
    });
  });

  addStoreOptions(
    models
      .command('show')
      .description('a model version with its metrics, artifacts and training runs')
      .argument('<name>')
      .option('--version <n>', 'version (default newest)', parsePositiveInt),
  ).action(async (name: string, opts: Record<string, unknown>, command: Command) => {
    const session = ctx.session(command);
    await withCliStore(session, opts, async ({ registry }) => {
      const m = await registry.requireModel(name, opts.version as number | undefined);
      const [metrics, artifacts, runs, versions] = [
        await registry.getMetrics(m.modelId),
        await registry.listArtifacts(m.modelId),
        await registry.getTrainingRuns(m.modelId),
        await registry.listVersions(name),
      ];
      const active = versions.find((v) => v.version === m.version)?.active ?? false;
      if (wantsJson(session, command))
        session.printJson({ ...m, active, metrics, artifacts, trainingRuns: runs });
      else {
        session.print(`${describeModel(m)}${active ? '  (active)' : ''}`);
        if (m.description) session.print(`  ${m.description}`);
        for (const x of metrics) session.print(`  metric ${x.metricName} (${x.datasetType}) = ${x.value}`);
        for (const a of artifacts)
          session.print(`  artifact ${a.artifactType} ${a.name} ${a.sizeBytes} B sha256 ${a.sha256}`);
        for (const r of runs)
          session.print(
            `  run ${r.runId} ${r.status} code ${r.codeVersion ?? '-'} data ${r.dataFingerprint ?? '-'}`,
          );
      }
    });
  });

  addStoreOptions(
    models
      .command('register')
      .description('register the next version of a model, with optional metrics, parameters and artifacts')
      .argument('<name>')
      .option('--strategy-type <type>', "strategy type, e.g. 'momentum'")
      .option('--description <text>')
      .option('--params <json>', 'training parameters (JSON)', parseJsonFlag)
      .option('--metrics <json>', 'metrics as a JSON object of numbers', parseJsonFlag)
      .addOption(
        new Option('--dataset <type>', 'dataset type of --metrics')
          .choices([...DATASET_TYPES])
          .default('test'),
      )
      .option('--artifact <path:type>', 'file to store as an artifact (repeatable)', collectArtifact)
      .option('--by <user>', 'who registers it (default $USER)'),
  ).action(async (name: string, opts: Record<string, unknown>, command: Command) => {
    const session = ctx.session(command);
    const metrics = opts.metrics as JsonValue | undefined;
    if (
      metrics !== undefined &&
      (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics))
    ) {
      throw new InvalidInputError('--metrics must be a JSON object of numbers');
    }
    await withCliStore(session, opts, async ({ registry }) => {
      const m = await registry.register(name, {
        createdBy: (opts.by as string | undefined) ?? defaultUser(),
        ...(typeof opts.strategyType === 'string' ? { strategyType: opts.strategyType } : {}),
        ...(typeof opts.description === 'string' ? { description: opts.description } : {}),
        ...(opts.params !== undefined ? { params: opts.params as JsonValue } : {}),
      });
      if (metrics) {
        const values: Record<string, number> = {};
        for (const [k, v] of Object.entries(metrics)) {
          if (typeof v !== 'number') throw new InvalidInputError(`metric '${k}' must be a number`);
          values[k] = v;
        }
        await registry.logMetrics(m.modelId, values, opts.dataset as DatasetType);
      }
      const artifacts = [];
      for (const a of (opts.artifact as { path: string; type: string }[] | undefined) ?? []) {
        artifacts.push(await registry.logArtifact(m.modelId, a.path, a.type));
      }
      if (wantsJson(session, command)) session.printJson({ ...m, artifacts });
      else
        session.print(
          `registered ${describeModel(m)}${artifacts.length ? `\n${artifacts.map((a) => `  artifact ${a.artifactType} sha256 ${a.sha256}`).join('\n')}` : ''}`,
        );
    });
  });

  const stageOptions = (c: Command) =>
    addStoreOptions(
      c.option('--by <user>', 'who makes the change (default $USER)').option('--reason <text>', 'why'),
    );
  const change = (opts: Record<string, unknown>) => ({
    by: (opts.by as string | undefined) ?? defaultUser(),
    ...(typeof opts.reason === 'string' ? { reason: opts.reason } : {}),
  });

  stageOptions(
    models
      .command('promote')
      .description('make a version the active one')
      .argument('<name>')
      .argument('<version>', 'version', parsePositiveInt),
  ).action(async (name: string, version: number, opts: Record<string, unknown>, command: Command) => {
    const session = ctx.session(command);
    await withCliStore(session, opts, async ({ registry }) => {
      const ev = await registry.promote(name, version, change(opts));
      if (wantsJson(session, command)) session.printJson(ev);
      else session.print(`${name}: ${describeStage(ev)}`);
    });
  });

  stageOptions(
    models
      .command('rollback')
      .description('re-activate the previously active version (or --to a given one)')
      .argument('<name>')
      .option('--to <version>', 'version to re-activate', parsePositiveInt),
  ).action(async (name: string, opts: Record<string, unknown>, command: Command) => {
    const session = ctx.session(command);
    await withCliStore(session, opts, async ({ registry }) => {
      const ev = await registry.rollback(name, {
        ...change(opts),
        ...(opts.to !== undefined ? { toVersion: opts.to as number } : {}),
      });
      if (wantsJson(session, command)) session.printJson(ev);
      else session.print(`${name}: ${describeStage(ev)}`);
    });
  });

  addStoreOptions(
    models
      .command('best')
      .description('the best model of a strategy type by a metric on a dataset type')
      .argument('<strategy-type>')
      .argument('<metric>')
      .addOption(new Option('--dataset <type>', 'dataset type').choices([...DATASET_TYPES]).default('test'))
      .option('--lower-is-better', 'rank ascending (e.g. max_drawdown, log_loss)'),
  ).action(async (strategyType: string, metric: string, opts: Record<string, unknown>, command: Command) => {
    const session = ctx.session(command);
    await withCliStore(session, opts, async ({ registry }) => {
      const best = await registry.getBestModel(
        strategyType,
        metric,
        opts.dataset as DatasetType,
        opts.lowerIsBetter !== true,
      );
      if (!best)
        throw new NotFoundError(`no '${strategyType}' model has metric '${metric}' on '${opts.dataset}'`);
      if (wantsJson(session, command)) session.printJson(best);
      else session.print(`${describeModel(best.model)}\n  ${metric} (${opts.dataset}) = ${best.value}`);
    });
  });

  addStoreOptions(
    models
      .command('active')
      .description('the active version of a model, now or at a past time')
      .argument('<name>')
      .option('--at <time>', 'ISO time with zone, or yyyy-mm-dd (= that close)'),
  ).action(async (name: string, opts: Record<string, unknown>, command: Command) => {
    const session = ctx.session(command);
    await withCliStore(session, opts, async ({ registry }) => {
      const at = typeof opts.at === 'string' ? parseInstant(opts.at) : undefined;
      const m = await registry.getActive(name, at);
      if (wantsJson(session, command)) session.printJson(m);
      else
        session.print(
          m ? describeModel(m) : `${name} has no active version${at !== undefined ? ` at ${iso(at)}` : ''}`,
        );
    });
  });

  addStoreOptions(
    models
      .command('history')
      .description('append-only stage history: promotions, rollbacks, who and why')
      .argument('<name>'),
  ).action(async (name: string, opts: Record<string, unknown>, command: Command) => {
    const session = ctx.session(command);
    await withCliStore(session, opts, async ({ registry }) => {
      const hist = await registry.history(name);
      if (wantsJson(session, command)) session.printJson(hist);
      else session.print(hist.map(describeStage).join('\n') || `${name} has no stage history`);
    });
  });
  return models;
}
