import { Rng } from '../src/core/rng.ts';
import { type RankedTarget, rankIC, rankICWithRankedTarget, rankTarget } from '../src/stats/correlation.ts';
import { psi } from '../src/stats/psi.ts';
import { rankAverageTies } from '../src/stats/rank.ts';
import { CrossSectionResidualizer } from '../src/stats/residualize.ts';
import { rollingStd } from '../src/stats/rolling.ts';
import { rollingBeta } from '../src/stats/rollingBeta.ts';
import { defineBenchmarks } from './harness.ts';

const N = 1500;
const T = 2520;
const SECTORS = 11;

function normals(rng: Rng, n: number, nanShare = 0): Float64Array {
  const x = new Float64Array(n);
  rng.fillNormal(x);
  if (nanShare > 0) for (let i = 0; i < n; i++) if (rng.uniform() < nanShare) x[i] = Number.NaN;
  return x;
}

/**
 * µs per call of `fn` over `calls` calls cycling through `inputs`, after a warm-up: the best of 5 rounds,
 * because the machine is shared and the minimum is the least disturbed estimate. CPU time (user + system of
 * this process) is reported beside wall time since it is far less sensitive to other processes.
 */
function microsPerCall<T>(
  inputs: readonly T[],
  calls: number,
  fn: (x: T) => unknown,
): { wall: number; cpu: number } {
  for (let k = 0; k < 200; k++) fn(inputs[k % inputs.length]!);
  const rounds = 5;
  const per = Math.ceil(calls / rounds);
  let wall = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let k = 0; k < per; k++) fn(inputs[(r * per + k) % inputs.length]!);
    wall = Math.min(wall, ((performance.now() - t0) * 1000) / per);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / per);
  }
  return { wall, cpu };
}

/** Best-of-3 wall and CPU time of `fn` in ms (the first run includes JIT warm-up). */
function bestMs(fn: () => unknown): { wall: number; cpu: number } {
  let wall = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 3; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall = Math.min(wall, performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1000);
  }
  return { wall, cpu };
}

interface CrossSectionCase {
  readonly groups: Int32Array;
  readonly regressors: Float64Array[];
  readonly signals: Float64Array[];
}

function crossSection(seed: number): CrossSectionCase {
  const rng = new Rng(seed);
  const groups = Int32Array.from({ length: N }, () => rng.int(SECTORS));
  const lnMcap = Float64Array.from({ length: N }, () => 22 + 1.5 * rng.normal());
  const beta = Float64Array.from({ length: N }, () => 1 + 0.3 * rng.normal());
  lnMcap[17] = Number.NaN;
  const signals = Array.from({ length: 32 }, () => normals(rng, N));
  return { groups, regressors: [lnMcap, beta], signals };
}

export default defineBenchmarks([
  {
    name: 'stats.rankAverageTies',
    size: `${N} values × 20000 calls`,
    setup: () => Array.from({ length: 64 }, (_, k) => normals(new Rng(k), N, 0.02)),
    run(inputs: Float64Array[]) {
      const out = new Float64Array(N);
      const t = microsPerCall(inputs, 20_000, (x) => rankAverageTies(x, out));
      return { usPerCall: t.wall, usCpuPerCall: t.cpu };
    },
  },
  {
    name: 'stats.rankIC',
    size: `${N} pairs × 10000 calls`,
    setup() {
      const rng = new Rng(5);
      const fwd = normals(rng, N, 0.02);
      return {
        fwd,
        target: rankTarget(fwd),
        signals: Array.from({ length: 32 }, () => normals(rng, N, 0.02)),
      };
    },
    run({ fwd, target, signals }: { fwd: Float64Array; target: RankedTarget; signals: Float64Array[] }) {
      // Signals with their own NaN need the target re-ranked on the intersection; dense ones reuse it.
      const dense = signals.map((s) =>
        s.map((v, i) => (Number.isNaN(v) && !Number.isNaN(fwd[i]!) ? 0.5 : v)),
      );
      const plain = microsPerCall(signals, 10_000, (s) => rankIC(s, fwd, 252));
      const reused = microsPerCall(dense, 10_000, (s) => rankICWithRankedTarget(s, target, 252));
      const reRanked = microsPerCall(signals, 10_000, (s) => rankICWithRankedTarget(s, target, 252));
      return {
        usPerCall: plain.wall,
        usCpuPerCall: plain.cpu,
        usCpuPreRankedReused: reused.cpu,
        usCpuPreRankedReRanked: reRanked.cpu,
      };
    },
  },
  {
    name: 'stats.fwlResidualize',
    size: `${N} stocks, ${SECTORS} sectors, K = 2`,
    setup: () => crossSection(7),
    run({ groups, regressors, signals }: CrossSectionCase) {
      const precompute = microsPerCall(
        [0],
        2_000,
        () => new CrossSectionResidualizer(groups, SECTORS, regressors),
      );
      const res = new CrossSectionResidualizer(groups, SECTORS, regressors);
      const out = new Float64Array(N);
      const apply = microsPerCall(signals, 20_000, (s) => res.residualize(s, out));
      const withNaN = signals.map((s) => {
        const c = s.slice();
        c[3] = Number.NaN;
        return c;
      });
      const fallback = microsPerCall(withNaN, 2_000, (s) => res.residualize(s, out));
      return {
        usPrecompute: precompute.wall,
        usCpuPrecompute: precompute.cpu,
        usPerSignalApply: apply.wall,
        usCpuPerSignalApply: apply.cpu,
        usCpuPerSignalFallback: fallback.cpu,
      };
    },
  },
  {
    name: 'stats.rollingBeta',
    size: `${N} × ${T}, W = 60, minObs = 45`,
    setup() {
      const rng = new Rng(3);
      return { x: normals(rng, N * T, 0.01), y: normals(rng, T) };
    },
    run({ x, y }: { x: Float64Array; y: Float64Array }) {
      const t = bestMs(() => rollingBeta(x, y, { columns: N }));
      return { bestMs: t.wall, cpuMs: t.cpu, nsCpuPerCell: (t.cpu * 1e6) / (N * T) };
    },
  },
  {
    name: 'stats.rollingStd',
    size: `${N} × ${T}, W = 60`,
    setup: () => ({ x: normals(new Rng(4), N * T, 0.01) }),
    run({ x }: { x: Float64Array }) {
      const t = bestMs(() => rollingStd(x, { window: 60, minObs: 45, columns: N }));
      return { bestMs: t.wall, cpuMs: t.cpu, nsCpuPerCell: (t.cpu * 1e6) / (N * T) };
    },
  },
  {
    name: 'stats.psi',
    size: '10⁶ baseline + 10⁶ current',
    setup() {
      const rng = new Rng(9);
      const base = normals(rng, 1_000_000);
      const cur = normals(rng, 1_000_000);
      for (let i = 0; i < cur.length; i++) cur[i] = 0.1 + 1.1 * cur[i]!;
      return { base, cur };
    },
    run({ base, cur }: { base: Float64Array; cur: Float64Array }) {
      let value = Number.NaN;
      const t = bestMs(() => {
        value = psi(base, cur).psi;
      });
      return { bestMs: t.wall, cpuMs: t.cpu, psi: value };
    },
  },
]);
