/**
 * Run manifests (architecture.md §9, seed 001 P3.2): what a run needs to be reproduced — run id, the effective
 * configuration, seeds, package and dependency versions, the git SHA, fingerprints of the inputs, and timings.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { arch, cpus, platform, totalmem } from 'node:os';
import { join } from 'node:path';
import type { AlphalabConfig } from '../core/config.ts';
import type { Universe } from '../core/universe.ts';

export interface RunManifest {
  readonly runId: string;
  readonly command: string;
  readonly startedAt: string;
  finishedAt?: string;
  readonly config: AlphalabConfig;
  readonly seeds: Readonly<Record<string, number>>;
  readonly versions: {
    readonly alphalab: string;
    readonly node: string;
    readonly dependencies: Readonly<Record<string, string>>;
  };
  readonly gitSha: string | null;
  readonly machine: { readonly platform: string; readonly cpus: number; readonly memoryGb: number };
  readonly inputs: Readonly<Record<string, string>>;
  readonly timingsMs: Record<string, number>;
}

const ROOT = join(import.meta.dirname, '..', '..');

function packageVersions(): RunManifest['versions'] {
  try {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
      dependencies?: Record<string, string>;
    };
    return { alphalab: pkg.version, node: process.version, dependencies: pkg.dependencies ?? {} };
  } catch {
    return { alphalab: 'unknown', node: process.version, dependencies: {} };
  }
}

/** The current git commit of the source tree, or null outside a repository. */
export function gitSha(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

/**
 * SHA-256 fingerprint of a universe's content: dates, tickers, sectors, every panel, series and event value
 * (in a fixed order), so two runs on the same data share it whatever the file format it came from.
 */
export function universeFingerprint(u: Universe): string {
  const h = createHash('sha256');
  h.update(
    JSON.stringify({ dates: u.dates, tickers: u.tickers, sectors: u.securities.map((s) => s.sector) }),
  );
  for (const name of [...u.panels.keys()].sort()) {
    h.update(name);
    const v = u.panels.get(name)!.values;
    h.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
  for (const name of [...u.series.keys()].sort()) {
    h.update(name);
    const v = u.series.get(name)!;
    h.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
  const e = u.events;
  h.update(JSON.stringify(e.fields));
  for (const a of [e.ticker, e.field, e.eventTime, e.availableTime, e.value])
    h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex');
}

export function startManifest(args: {
  runId: string;
  command: string;
  config: AlphalabConfig;
  universe: Universe;
  seeds?: Record<string, number>;
}): RunManifest {
  return {
    runId: args.runId,
    command: args.command,
    startedAt: new Date().toISOString(),
    config: args.config,
    seeds: args.seeds ?? {},
    versions: packageVersions(),
    gitSha: gitSha(),
    machine: {
      platform: `${platform()}-${arch()}`,
      cpus: cpus().length,
      memoryGb: Math.round(totalmem() / 2 ** 30),
    },
    inputs: { universe: args.universe.source, universeSha256: universeFingerprint(args.universe) },
    timingsMs: {},
  };
}
