/**
 * `npm run bench [-- filter...]`: runs every case of every `bench/*.bench.ts` (or those whose name contains
 * a filter) in its own child process, prints a table and writes `bench/results/<time>.json` and
 * `bench/results/latest.json` with name, size, wall time, peak RSS, extra metrics and the machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchmarkCase } from './harness.ts';

const benchDir = resolve(import.meta.dirname);
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();

interface Result {
  name: string;
  size: string;
  target?: string;
  wallMs: number;
  peakRssMb: number;
  extra: Record<string, number>;
  error?: string;
}

const results: Result[] = [];
for (const f of files) {
  const path = join(benchDir, f);
  const mod = (await import(pathToFileURL(path).href)) as { default: readonly BenchmarkCase<unknown>[] };
  for (const c of mod.default) {
    if (filters.length && !filters.some((q) => c.name.includes(q) || f.includes(q))) continue;
    process.stderr.write(`running ${c.name} (${c.size}) …\n`);
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, 'child.ts'), path, c.name], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    const base = { name: c.name, size: c.size, ...(c.target ? { target: c.target } : {}) };
    try {
      const r = JSON.parse(line) as {
        wallMs: number;
        peakRssMb: number;
        extra: Record<string, number | null>;
      };
      // JSON has no NaN: a non-finite metric arrives as null and is kept as NaN ("n/a" in the table).
      const extra = Object.fromEntries(Object.entries(r.extra).map(([k, v]) => [k, v ?? Number.NaN]));
      results.push({ ...base, ...r, extra });
    } catch {
      results.push({
        ...base,
        wallMs: Number.NaN,
        peakRssMb: Number.NaN,
        extra: {},
        error: `exit ${child.status}`,
      });
    }
  }
}

const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const rows = results.map((r) => [
  r.name,
  r.size,
  `${fmt(r.wallMs)} ms`,
  `${fmt(r.peakRssMb, 0)} MB`,
  r.target ?? '',
  Object.entries(r.extra)
    .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : Number.isFinite(v) ? v.toPrecision(4) : 'n/a'}`)
    .join(' ') + (r.error ? ` ERROR ${r.error}` : ''),
]);
const head = ['benchmark', 'size', 'wall', 'peak RSS', 'target', 'metrics'];
const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
const line = (r: string[]) => r.map((c, k) => c.padEnd(widths[k]!)).join('  ');
console.log(line(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
};
const outDir = join(benchDir, 'results');
mkdirSync(outDir, { recursive: true });
const doc = JSON.stringify({ date: new Date().toISOString(), machine, results }, null, 2);
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
for (const name of [`${stamp}.json`, 'latest.json']) {
  writeFileSync(join(outDir, `${name}.tmp`), doc);
  renameSync(join(outDir, `${name}.tmp`), join(outDir, name));
}
console.log(`\nresults written to ${join('bench', 'results', 'latest.json')}`);
if (results.some((r) => r.error)) process.exitCode = 1;
