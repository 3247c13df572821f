// Runs one benchmark case in this process and prints one JSON line on stdout (see bench/run.ts).
import { pathToFileURL } from 'node:url';
import type { BenchmarkCase } from './harness.ts';

const [file, caseName] = process.argv.slice(2);
const mod = (await import(pathToFileURL(file!).href)) as { default: readonly BenchmarkCase<unknown>[] };
const c = mod.default.find((x) => x.name === caseName);
if (!c) throw new Error(`no benchmark ${caseName} in ${file}`);
const state = c.setup ? await c.setup() : undefined;
const t0 = performance.now();
const extra = (await c.run(state)) ?? {};
const wallMs = performance.now() - t0;
const peakRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ wallMs, peakRssMb, extra })}\n`);
process.exit(0);
