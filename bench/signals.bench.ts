import { loadavg } from 'node:os';
import { Rng } from '../src/core/rng.ts';
import { generateSyntheticMarket } from '../src/data/synthetic/index.ts';
import { I16DotKernel } from '../src/research/i16-dot.ts';
import { IcAccumulator } from '../src/research/ic-accumulator.ts';
import { IcAccumulatorJs } from '../src/research/ic-accumulator-js.ts';
import { defaultIcOptions } from '../src/research/ic-options.ts';
import { dotCentredRanks, runResearch } from '../src/research/index.ts';
import {
  BucketRankWorkspace,
  buildSignalContext,
  builtinFamilies,
  missingInputs,
  NeutralizeScratch,
  neutralizedSignal,
  neutralizeRow,
  rankAverageTiesBucketed,
  ValueHasher,
  variantSweep,
  WasmBucketRanker,
} from '../src/signals/index.ts';
import { RankWorkspace, rankAverageTiesStrided } from '../src/stats/index.ts';
import { defineBenchmarks } from './harness.ts';

const market = (stocks: number, days: number) =>
  generateSyntheticMarket({ stocks, days, shared: true }).universe;

function tier(stocks: number, days: number, workers: number, target?: string) {
  return {
    name: `signals.research.${stocks}x${days}.threads${workers}`,
    size: `${stocks}x${days}, 110 signals, 4 horizons`,
    ...(target ? { target } : {}),
    setup: () => market(stocks, days),
    async run(universe: ReturnType<typeof market>) {
      // Process CPU time includes the worker threads: with the machine shared, cpuS/workers is the wall
      // time the run would take on idle cores.
      const cpu0 = process.cpuUsage();
      const r = await runResearch(universe, { backend: 'threads', workers });
      const cpu = process.cpuUsage(cpu0);
      const ok = r.tier.signals.filter((s) => s.status === 'ok');
      const mean = (f: (s: (typeof ok)[number]) => number) => ok.reduce((a, s) => a + f(s), 0) / ok.length;
      return {
        contextMs: r.timings.contextMs!,
        signalsMs: r.timings.signalsMs!,
        // The signal pass's process CPU (both workers): the figure to compare on a shared machine.
        signalsCpuS: r.timings.signalsCpuMs! / 1000,
        weightsMs: r.timings.weightsMs!,
        compositeMs: r.timings.compositeMs!,
        perSignalRawMs: mean((s) => s.ms.raw),
        perSignalNeutralizeMs: mean((s) => s.ms.neutralize),
        perSignalIcMs: mean((s) => s.ms.ic),
        perSignalNeutralizeIcMs: mean((s) => s.ms.neutralizeAndIc),
        signals: ok.length,
        duplicates: r.tier.duplicates.length,
        cpuS: (cpu.user + cpu.system) / 1e6,
        // The machine is shared: the 1-minute load average at the end says how far wall is from CPU/workers.
        loadAvg1: loadavg()[0]!,
        weightedSignals: r.weights ? r.weights.weights.filter((w) => w !== 0).length : 0,
      };
    },
  };
}

export default defineBenchmarks([
  tier(1500, 2520, 2, '≤ 10 s wall, ≤ 1.5 GB peak RSS'),
  tier(500, 1260, 2),
  {
    name: 'signals.rank.1500',
    size: '1500 normals, 20000 calls',
    run() {
      const rng = new Rng(1);
      const rows = Array.from({ length: 16 }, () => Float64Array.from({ length: 1500 }, () => rng.normal()));
      const out = new Float64Array(1500);
      const bws = new BucketRankWorkspace(1500);
      const rws = new RankWorkspace(1500);
      const time = (f: (x: Float64Array) => void) => {
        for (let k = 0; k < 2000; k++) f(rows[k % 16]!);
        const t0 = performance.now();
        for (let k = 0; k < 20000; k++) f(rows[k % 16]!);
        return ((performance.now() - t0) * 1000) / 20000;
      };
      const wasm = new WasmBucketRanker(1500);
      return {
        bucketUsPerCall: time((x) => rankAverageTiesBucketed(1500, x, 0, out, bws)),
        wasmBucketUsPerCall: time((x) => wasm.rank(1500, x, 0, out)),
        statsRadixUsPerCall: time((x) => rankAverageTiesStrided(1500, x, 0, 1, out, 0, 1, rws)),
      };
    },
  },
  {
    // The WebAssembly ranker on the tier's own rows (decision 162): neutralised cross-sections of several
    // specs, each ranked once per round, so the branch predictor cannot learn them (signals.rank.1500 cycles 16
    // normal rows and reads ≈ 40 % faster). Process CPU per call, copies in and out included.
    name: 'signals.rank.neutralised.1500',
    size: '1500 stocks, 40 dates × every 9th spec of the sweep, 10 rounds',
    setup: () => {
      const ctx = buildSignalContext(market(1500, 300));
      const N = ctx.N;
      const rows: Float64Array[] = [];
      const specs = variantSweep(undefined, 10).filter(
        (s, j) => j % 9 === 0 && !missingInputs(ctx, s).length,
      );
      for (const spec of specs) {
        const z = neutralizedSignal(ctx, spec, builtinFamilies);
        for (let t = 260; t < 300; t++) rows.push(z.slice(t * N, (t + 1) * N));
      }
      return rows.filter((r) => r.some((v) => !Number.isNaN(v)));
    },
    run(rows: Float64Array[]) {
      const N = rows[0]!.length;
      const ranker = new WasmBucketRanker(N);
      const out = new Float64Array(N);
      for (const x of rows) ranker.rank(N, x, 0, out);
      const c0 = process.cpuUsage();
      for (let k = 0; k < 10; k++) for (const x of rows) ranker.rank(N, x, 0, out);
      const c = process.cpuUsage(c0);
      return { rows: rows.length, wasmUsPerCall: (c.user + c.system) / (10 * rows.length) };
    },
  },
  {
    name: 'signals.ic.dot',
    size: '1500 centred ranks, 24 dots (4 horizons × 6 skips), 20000 dates',
    run() {
      const N = 1500;
      const rng = new Rng(3);
      const centred = () => {
        const r = Array.from({ length: N }, (_, i) => i + 1 - (N + 1) / 2);
        rng.shuffle(r);
        return Float64Array.from(r);
      };
      const cs = centred();
      const fr = new Float32Array(24 * N);
      for (let k = 0; k < 24; k++) fr.set(centred(), k * N);
      const kernel = new I16DotKernel(N, 25, N - 1);
      for (let i = 0; i < N; i++) kernel.values[i] = 2 * cs[i]!;
      for (let k = 0; k < 24; k++)
        for (let i = 0; i < N; i++) kernel.values[(k + 1) * kernel.stride + i] = 2 * fr[k * N + i]!;
      const bases = Int32Array.from({ length: 24 }, (_, k) => k * N);
      const out = new Float64Array(24);
      const time = (f: () => void) => {
        for (let k = 0; k < 500; k++) f();
        const t0 = performance.now();
        for (let k = 0; k < 20000; k++) f();
        return ((performance.now() - t0) * 1000) / 20000;
      };
      return {
        floatLoopUsPerDate: time(() => dotCentredRanks(N, cs, fr, bases, 24, out)),
        simdI16UsPerDate: time(() => {
          for (let k = 0; k < 24; k++) out[k] = kernel.dot(0, k + 1) / 4;
        }),
      };
    },
  },
  {
    // The per-date reductions of one signal (rank, rank-IC dots, spreads, decile curve, duplicate hash) on
    // neutralised rows of 6 signals, process CPU time: the JavaScript reference against the WebAssembly
    // kernels, interleaved signal by signal.
    name: 'signals.ic.reductions',
    size: '1500 stocks × 504 dates, 6 signals, 4 horizons, 6 skips',
    setup: () => {
      const ctx = buildSignalContext(market(1500, 504));
      const specs = variantSweep(undefined, 10).filter((_, j) => j % 18 === 0);
      return { ctx, panels: specs.map((s) => neutralizedSignal(ctx, s, builtinFamilies)) };
    },
    run({ ctx, panels }: { ctx: ReturnType<typeof buildSignalContext>; panels: Float64Array[] }) {
      const N = ctx.N;
      const cpuMs = () => {
        const c = process.cpuUsage();
        return (c.user + c.system) / 1000;
      };
      const rows = (z: Float64Array, visit: (t: number, row: Float64Array, reduce: boolean) => void) => {
        const row = new Float64Array(N);
        for (let t = 0; t < ctx.T; t++) {
          row.set(z.subarray(t * N, (t + 1) * N));
          let count = 0;
          for (let i = 0; i < N; i++) if (!Number.isNaN(row[i]!)) count++;
          visit(t, row, count > 0);
        }
      };
      let js = 0;
      let wasm = 0;
      for (let rep = 0; rep < 2; rep++) {
        for (const z of panels) {
          const c0 = cpuMs();
          const a = new IcAccumulatorJs(ctx, defaultIcOptions);
          const h = new ValueHasher();
          rows(z, (t, row, reduce) => {
            h.update(row);
            if (reduce) a.add(t, row);
          });
          const c1 = cpuMs();
          const b = new IcAccumulator(ctx, defaultIcOptions);
          rows(z, (t, row, reduce) => b.visit(t, row, reduce));
          const c2 = cpuMs();
          // The first round warms both up.
          if (rep > 0) {
            js += c1 - c0;
            wasm += c2 - c1;
          }
        }
      }
      const perDate = 1000 / (panels.length * ctx.T);
      return {
        jsUsPerDate: js * perDate,
        wasmUsPerDate: wasm * perDate,
        jsMsPerSignal2520: (js * perDate * 2520) / 1000,
        wasmMsPerSignal2520: (wasm * perDate * 2520) / 1000,
        loadAvg1: loadavg()[0]!,
      };
    },
  },
  {
    name: 'signals.neutralize.row',
    size: '1500 stocks, 11 sectors, 2000 rows',
    setup: () => buildSignalContext(market(1500, 300), { horizons: [1] }),
    run(ctx: ReturnType<typeof buildSignalContext>) {
      const rng = new Rng(2);
      const raw = Float64Array.from({ length: 1500 }, () => rng.normal());
      const z = new Float64Array(1500);
      const sc = new NeutralizeScratch(1500);
      for (let t = 100; t < 300; t++) neutralizeRow(ctx, t, raw, z, sc);
      const t0 = performance.now();
      for (let k = 0; k < 2000; k++) neutralizeRow(ctx, 100 + (k % 200), raw, z, sc);
      return { usPerRow: ((performance.now() - t0) * 1000) / 2000 };
    },
  },
]);
