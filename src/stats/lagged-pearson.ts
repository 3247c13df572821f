/**
 * Autocorrelations ρ(ℓ) = Pearson(x_{0..n−ℓ}, x_{ℓ..n}) of one series for every lag ℓ = 1 … L, bit for bit
 * what `pearsonComplete(n − ℓ, x, x + ℓ)` returns lag by lag (the JS twin, and the path where WebAssembly
 * SIMD is missing). The IC persistence half-life (icSummary.ts, methods.md §3) takes ≈ 120 lags of a
 * ≈ 2500-date IC series, 440 times per research run: lag by lag in JS that was ≈ 2.7 ms per series.
 *
 * What stays exact: each lag's sums keep pearsonComplete's order (k = 0 … m − 1, one rounding per step);
 * only lags ℓ and ℓ + 1 share an f64x2 as its two lanes, so every lane does the scalar arithmetic. Σ x_k
 * over k < m is the running prefix sum at m (the same additions), and the two maxima of |x| are a prefix
 * and a suffix maximum (max is exact in any order); Σ x_{ℓ+k} starts at ℓ and is summed in the kernel.
 */
import { FunctionBuilder, lazyModule, ModuleBuilder, threadKernel } from '../core/wasm.ts';
import { pearsonComplete } from './correlation.ts';

/** pearsonComplete's constant-vector test: sd ≤ 1e-12 × the largest magnitude (correlation.ts). */
const CONSTANT_RELATIVE_SD = 1e-12;

/**
 * lagPair(x, n, lag, prefix, out): for lags ℓ = lag (lane 0, m₀ = n − ℓ pairs) and ℓ + 1 (lane 1,
 * m₁ = m₀ − 1) of the n float64 at x, with prefix[m] = Σ_{k<m} x_k: out = [Sxx, Syy, Sxy] of lag ℓ then of
 * ℓ + 1, the centred sums of pearsonComplete's second pass. Requires ℓ ≤ n − 2.
 */
function lagPairFunction(): FunctionBuilder {
  const f = new FunctionBuilder('lagPair', [
    ['x', 'i32'],
    ['n', 'i32'],
    ['lag', 'i32'],
    ['prefix', 'i32'],
    ['out', 'i32'],
  ])
    .local(['y', 'm1', 'p', 'q', 'end'], 'i32')
    .local(['a0', 'b0'], 'f64')
    .local(['sy', 'count', 'mx', 'my', 'a', 'b', 'sxx', 'syy', 'sxy'], 'v128');
  // y = &x[ℓ]; lane 1 has m₁ = n − ℓ − 1 pairs, lane 0 one more (k = m₁: x[m₁] with x[n − 1]).
  f.get('x').get('lag').i32(3).op('i32.shl').op('i32.add').set('y');
  f.get('n').get('lag').op('i32.sub').i32(1).op('i32.sub').set('m1');
  f.get('y').get('m1').i32(3).op('i32.shl').op('i32.add').set('end');
  // Pass 1: Σ y_k in order, lane j summing x[ℓ + j + k].
  f.get('y').set('p');
  f.block('sumsDone').loop('sums');
  f.get('p').get('end').op('i32.ge_u').brIf('sumsDone');
  f.get('sy').get('p').load('v128.load', 0, 3).op('f64x2.add').set('sy');
  f.get('p').i32(8).op('i32.add').set('p').br('sums');
  f.end().end();
  f.get('sy').get('sy').lane('f64x2.extract_lane', 0).get('end').load('f64.load').op('f64.add');
  f.lane('f64x2.replace_lane', 0).set('sy');
  // Means: [m₀, m₁] pairs; Σ x_k over k < m is prefix[m].
  f.get('m1').i32(1).op('i32.add').op('f64.convert_i32_s').op('f64x2.splat');
  f.get('m1').op('f64.convert_i32_s').lane('f64x2.replace_lane', 1).set('count');
  f.get('sy').get('count').op('f64x2.div').set('my');
  f.get('prefix').get('m1').i32(3).op('i32.shl').op('i32.add').tee('p').load('f64.load', 8).op('f64x2.splat');
  f.get('p').load('f64.load').lane('f64x2.replace_lane', 1).get('count').op('f64x2.div').set('mx');
  // Pass 2: centred products, k = 0 … m₁ − 1 for both lanes.
  f.get('x').set('p').get('y').set('q');
  f.block('momentsDone').loop('moments');
  f.get('q').get('end').op('i32.ge_u').brIf('momentsDone');
  f.get('p').load('v128.load64_splat').get('mx').op('f64x2.sub').set('a');
  f.get('q').load('v128.load', 0, 3).get('my').op('f64x2.sub').set('b');
  f.get('sxx').get('a').get('a').op('f64x2.mul').op('f64x2.add').set('sxx');
  f.get('syy').get('b').get('b').op('f64x2.mul').op('f64x2.add').set('syy');
  f.get('sxy').get('a').get('b').op('f64x2.mul').op('f64x2.add').set('sxy');
  f.get('p').i32(8).op('i32.add').set('p');
  f.get('q').i32(8).op('i32.add').set('q').br('moments');
  f.end().end();
  // Lane 0's last pair: a = x[m₁] − mx₀, b = x[n − 1] − my₀.
  f.get('p').load('f64.load').get('mx').lane('f64x2.extract_lane', 0).op('f64.sub').set('a0');
  f.get('end').load('f64.load').get('my').lane('f64x2.extract_lane', 0).op('f64.sub').set('b0');
  const store = (sum: string, slot: number, last: () => void) => {
    f.get('out').get(sum).lane('f64x2.extract_lane', 0);
    last();
    f.op('f64.mul')
      .op('f64.add')
      .store('f64.store', 8 * slot);
    f.get('out')
      .get(sum)
      .lane('f64x2.extract_lane', 1)
      .store('f64.store', 8 * (slot + 3));
  };
  store('sxx', 0, () => f.get('a0').get('a0'));
  store('syy', 1, () => f.get('b0').get('b0'));
  store('sxy', 2, () => f.get('a0').get('b0'));
  return f;
}

const lagPairModule = lazyModule(() => new ModuleBuilder().importMemory().func(lagPairFunction()));

type LagPairFn = (x: number, n: number, lag: number, prefix: number, out: number) => void;

/** This thread's kernel and its memory (grown as needed), or null without WebAssembly SIMD. */
const kernel = threadKernel<LagPairFn>(lagPairModule, 'lagPair');

/** Tests set this to run the JS twin on engines that have SIMD. */
export const laggedPearsonOptions = { forceJs: false };

/** The JS twin: pearsonComplete lag by lag. */
export function laggedPearsonJs(x: Float64Array, n: number, maxLag: number): Float64Array {
  const rho = new Float64Array(maxLag);
  for (let lag = 1; lag <= maxLag; lag++)
    rho[lag - 1] = pearsonComplete(n - lag, x.subarray(0, n - lag), x.subarray(lag));
  return rho;
}

/**
 * rho[ℓ − 1] = pearsonComplete(n − ℓ, x[0 … n − ℓ), x[ℓ … n)) for ℓ = 1 … maxLag (maxLag ≤ n − 2; x without
 * NaN), equal to the bit to {@link laggedPearsonJs}.
 */
export function laggedPearson(x: Float64Array, n: number, maxLag: number): Float64Array {
  const at = (count: number) => Math.ceil((8 * count) / 16) * 16;
  const prefixAt = at(n);
  const outAt = prefixAt + at(n + 1);
  const k = laggedPearsonOptions.forceJs || maxLag < 1 ? null : kernel(outAt + 48);
  if (!k) return laggedPearsonJs(x, n, maxLag);
  const mem = new Float64Array(k.memory.buffer);
  mem.set(x.subarray(0, n));
  // prefix[m] = Σ_{k<m} x_k in order (pearsonComplete's Σx at m pairs); running maxima of |x| from the front
  // and from the back (its max |x| and max |y|; only ±0 can differ, and tol² is 0 either way).
  const prefix = prefixAt / 8;
  const frontMax = new Float64Array(n + 1);
  const backMax = new Float64Array(n + 1);
  let s = 0;
  mem[prefix] = 0;
  for (let j = 0; j < n; j++) {
    const v = x[j]!;
    s += v;
    mem[prefix + j + 1] = s;
    frontMax[j + 1] = Math.max(frontMax[j]!, Math.abs(v));
  }
  for (let j = n - 1; j >= 0; j--) backMax[j] = Math.max(backMax[j + 1]!, Math.abs(x[j]!));
  const out = outAt / 8;
  const rho = new Float64Array(maxLag);
  for (let lag = 1; lag <= maxLag; lag += 2) {
    k.fn(0, n, lag, prefixAt, outAt);
    for (let j = 0; j < 2 && lag + j <= maxLag; j++) {
      const m = n - lag - j;
      const sxx = mem[out + 3 * j]!;
      const syy = mem[out + 3 * j + 1]!;
      const sxy = mem[out + 3 * j + 2]!;
      // pearsonComplete's ending: NaN below two pairs or for a constant side.
      const tolX = CONSTANT_RELATIVE_SD * frontMax[m]!;
      const tolY = CONSTANT_RELATIVE_SD * backMax[lag + j]!;
      rho[lag + j - 1] =
        m < 2 || sxx <= m * tolX * tolX || syy <= m * tolY * tolY ? Number.NaN : sxy / Math.sqrt(sxx * syy);
    }
  }
  return rho;
}
