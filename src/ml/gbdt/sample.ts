/**
 * Per-tree Bernoulli row sampling (methods.md §9.3 item 7): row i is kept iff the i-th `uniform()` of
 * `new Rng(seed)` is < subsample. This draws the identical xoshiro256** stream as core/rng.ts, but in a
 * WebAssembly loop on native 64-bit integers instead of a method call per draw on 32-bit halves: one draw per
 * training row per tree (90 M for seed 003's booster) made the sampler a visible share of training time
 * (decisions 064, 066), and the output must stay bit-identical to the Rng-based loop
 * (test/ml/gbdt-kernels.test.ts checks it against Rng).
 */
import {
  ensureWasmMemory,
  FunctionBuilder,
  instantiate,
  ModuleBuilder,
  newWasmMemory,
  type WasmMemory,
} from '../../core/wasm.ts';

const MASK64 = (1n << 64n) - 1n;

/** The xoshiro256** state `new Rng(seed)` starts from, as [s0hi, s0lo, s1hi, s1lo, …] (splitmix64 seeding). */
export function xoshiroStateFromSeed(seed: number | bigint): Uint32Array {
  let x = BigInt.asUintN(64, BigInt(seed));
  const s = new Uint32Array(8);
  for (let k = 0; k < 4; k++) {
    x = (x + 0x9e3779b97f4a7c15n) & MASK64;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    z ^= z >> 31n;
    s[2 * k] = Number(z >> 32n);
    s[2 * k + 1] = Number(z & 0xffffffffn);
  }
  return s;
}

/**
 * sample(s0, s1, s2, s3, n, prob, out) → m: xoshiro256** from state (s0 … s3); draw i is u = (x >>> 11)·2⁻⁵³
 * with x = rotl(s1·5, 7)·9; row i goes to i32[out + 4m] (m++) if u < prob, else to i32[out + 4(d − 1)] (d−−,
 * d starting at n). The dropped rows, written from the back, are then reversed into increasing order.
 */
function samplerKernel(): FunctionBuilder {
  const f = new FunctionBuilder(
    'sample',
    [
      ['s0', 'i64'],
      ['s1', 'i64'],
      ['s2', 'i64'],
      ['s3', 'i64'],
      ['n', 'i32'],
      ['prob', 'f64'],
      ['out', 'i32'],
    ],
    ['i32'],
  )
    .local(['i', 'm', 'd', 'a', 'b', 'x'], 'i32')
    .local('t', 'i64');
  f.get('n').set('d');
  f.block('drawn').get('n').i32(0).op('i32.le_s').brIf('drawn');
  f.loop('draw');
  // t = rotl(s1 · 5, 7) · 9; keep = (t >>> 11) · 2⁻⁵³ < prob
  f.get('s1').i64(5).op('i64.mul').i64(7).op('i64.rotl').i64(9).op('i64.mul');
  f.i64(11)
    .op('i64.shr_u')
    .op('f64.convert_i64_u')
    .f64(2 ** -53)
    .op('f64.mul')
    .get('prob')
    .op('f64.lt');
  f.if();
  f.get('out').get('m').i32(2).op('i32.shl').op('i32.add').get('i').store('i32.store');
  f.get('m').i32(1).op('i32.add').set('m');
  f.else();
  f.get('d').i32(1).op('i32.sub').tee('d').i32(2).op('i32.shl').get('out').op('i32.add').get('i');
  f.store('i32.store');
  f.end();
  // State update (Rng.step): t = s1 << 17; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45)
  f.get('s1').i64(17).op('i64.shl').set('t');
  f.get('s2').get('s0').op('i64.xor').set('s2');
  f.get('s3').get('s1').op('i64.xor').set('s3');
  f.get('s1').get('s2').op('i64.xor').set('s1');
  f.get('s0').get('s3').op('i64.xor').set('s0');
  f.get('s2').get('t').op('i64.xor').set('s2');
  f.get('s3').i64(45).op('i64.rotl').set('s3');
  f.get('i').i32(1).op('i32.add').tee('i').get('n').op('i32.lt_s').brIf('draw');
  f.end().end();
  // Reverse i32[out + 4m … out + 4n) in place.
  f.get('out').get('m').i32(2).op('i32.shl').op('i32.add').set('a');
  f.get('out').get('n').i32(2).op('i32.shl').op('i32.add').i32(4).op('i32.sub').set('b');
  f.block('reversed').get('a').get('b').op('i32.ge_s').brIf('reversed');
  f.loop('swap');
  f.get('a').load('i32.load').set('x');
  f.get('a').get('b').load('i32.load').store('i32.store');
  f.get('b').get('x').store('i32.store');
  f.get('b').i32(4).op('i32.sub').set('b');
  f.get('a').i32(4).op('i32.add').tee('a').get('b').op('i32.lt_s').brIf('swap');
  f.end().end();
  f.get('m');
  return f;
}

let sampler: { memory: WasmMemory; sample: (...a: (number | bigint)[]) => number } | undefined;

/**
 * Writes the kept rows of 0..n−1 in increasing order to `rows[0..m)` and the dropped ones, also increasing,
 * to `rows[m..n)`; returns m. Row i is kept iff draw i of `new Rng(seed).uniform()` is < `prob`.
 * Base kernel: `rows` needs length ≥ n; no validation.
 */
export function sampleRowsBernoulli(
  seed: number | bigint,
  n: number,
  prob: number,
  rows: Int32Array,
): number {
  if (!sampler) {
    const mod = new ModuleBuilder().importMemory().func(samplerKernel()).compile();
    if (!mod) throw new Error('this engine cannot compile the GBDT row sampler');
    const memory = newWasmMemory(4 * n);
    sampler = { memory, sample: instantiate(mod, memory).sample as never };
  }
  ensureWasmMemory(sampler.memory, 4 * n);
  const st = xoshiroStateFromSeed(seed);
  const word = (k: number) => BigInt.asIntN(64, (BigInt(st[2 * k]!) << 32n) | BigInt(st[2 * k + 1]!));
  const m = sampler.sample(word(0), word(1), word(2), word(3), n, prob, 0);
  rows.set(new Int32Array(sampler.memory.buffer, 0, n));
  return m;
}
