/**
 * G = XᵀX of a T×p row-major matrix (both triangles) with WebAssembly SIMD, bit for bit the JS loop's
 * result (docs/decisions/160-walk-forward-signal-weights.md).
 *
 * Every G_ab is the sum of x_ta·x_tb over t = 0 … T−1 in row order, each product rounded, then added: the
 * kernel keeps that order per entry and only puts different entries (b, b + 1) in the two lanes of an
 * f64x2 — so the result is the same to the bit as the scalar loop (`upperGramJs`, the twin the tests compare
 * against and the path where WebAssembly SIMD is missing). A 2 × 4 block of G lives in four registers while
 * the rows stream past; the rows go in chunks that stay in L2, the partial sums going back to G between
 * chunks (that moves no addition). Shrunk correlations of IC series (methods.md §4) spend their time here:
 * ≈ 110 series × up to 2500 dates, 432 times per walk-forward run.
 */
import { FunctionBuilder, lazyModule, ModuleBuilder, threadKernel } from '../core/wasm.ts';

/** Rows per chunk: a chunk of ≤ 112 doubles per row stays in L2 while every block of G passes over it. */
const CHUNK_ROWS = 128;

/**
 * gram(x, T, m, g): for a stride-m (m a multiple of 4) T×m matrix at byte offset x, adds Σ_t x_ta·x_tb to
 * g[a·m + b] (byte offset g, zeroed by the caller) for every even a and every b ≥ 4⌊a/4⌋, in 2 × 4 blocks;
 * entries below the diagonal inside a block are computed too (they equal their mirror).
 */
function gramFunction(): FunctionBuilder {
  const f = new FunctionBuilder('gram', [
    ['x', 'i32'],
    ['T', 'i32'],
    ['m', 'i32'],
    ['g', 'i32'],
  ])
    .local(['stride', 't0', 't1', 'a', 'b', 'p', 'q', 'pEnd', 'g0', 'g1'], 'i32')
    .local(['c00', 'c01', 'c10', 'c11', 'va0', 'va1', 'vb0', 'vb1'], 'v128');
  f.get('m').i32(3).op('i32.shl').set('stride');
  f.block('chunksDone').loop('chunk');
  f.get('t0').get('T').op('i32.ge_s').brIf('chunksDone');
  // t1 = min(t0 + CHUNK_ROWS, T)
  f.get('t0').i32(CHUNK_ROWS).op('i32.add').tee('t1').get('T').get('t1').get('T').op('i32.lt_s');
  f.op('select').set('t1');
  f.i32(0).set('a');
  f.block('aDone').loop('aLoop');
  f.get('a').get('m').op('i32.ge_s').brIf('aDone');
  f.get('a').i32(-4).op('i32.and').set('b');
  f.block('bDone').loop('bLoop');
  f.get('b').get('m').op('i32.ge_s').brIf('bDone');
  // g0 = &G[a][b], g1 = &G[a + 1][b]; the block's partial sums so far
  f.get('g').get('a').get('m').op('i32.mul').get('b').op('i32.add').i32(3).op('i32.shl').op('i32.add');
  f.tee('g0').get('stride').op('i32.add').set('g1');
  f.get('g0').load('v128.load', 0, 3).set('c00');
  f.get('g0').load('v128.load', 16, 3).set('c01');
  f.get('g1').load('v128.load', 0, 3).set('c10');
  f.get('g1').load('v128.load', 16, 3).set('c11');
  // p = &X[t0][a], q = &X[t0][b], pEnd = &X[t1][a]
  f.get('x').get('t0').get('m').op('i32.mul').i32(3).op('i32.shl').op('i32.add').tee('q');
  f.get('a').i32(3).op('i32.shl').op('i32.add').set('p');
  f.get('q').get('b').i32(3).op('i32.shl').op('i32.add').set('q');
  f.get('x').get('t1').get('m').op('i32.mul').get('a').op('i32.add').i32(3).op('i32.shl').op('i32.add');
  f.set('pEnd');
  f.loop('rows');
  f.get('p').load('v128.load64_splat', 0).set('va0');
  f.get('p').load('v128.load64_splat', 8).set('va1');
  f.get('q').load('v128.load', 0, 3).set('vb0');
  f.get('q').load('v128.load', 16, 3).set('vb1');
  f.get('c00').get('va0').get('vb0').op('f64x2.mul').op('f64x2.add').set('c00');
  f.get('c01').get('va0').get('vb1').op('f64x2.mul').op('f64x2.add').set('c01');
  f.get('c10').get('va1').get('vb0').op('f64x2.mul').op('f64x2.add').set('c10');
  f.get('c11').get('va1').get('vb1').op('f64x2.mul').op('f64x2.add').set('c11');
  f.get('p').get('stride').op('i32.add').set('p');
  f.get('q').get('stride').op('i32.add').set('q');
  f.get('p').get('pEnd').op('i32.lt_u').brIf('rows');
  f.end();
  f.get('g0').get('c00').store('v128.store', 0, 3);
  f.get('g0').get('c01').store('v128.store', 16, 3);
  f.get('g1').get('c10').store('v128.store', 0, 3);
  f.get('g1').get('c11').store('v128.store', 16, 3);
  f.get('b').i32(4).op('i32.add').set('b').br('bLoop');
  f.end().end();
  f.get('a').i32(2).op('i32.add').set('a').br('aLoop');
  f.end().end();
  f.get('t1').set('t0').br('chunk');
  f.end().end();
  return f;
}

const gramModule = lazyModule(() => new ModuleBuilder().importMemory().func(gramFunction()));

type GramFn = (x: number, T: number, m: number, g: number) => void;

/** This thread's kernel and its memory (grown as needed), or null without WebAssembly SIMD. */
const kernel = threadKernel<GramFn>(gramModule, 'gram');

/** Tests set this to run the JS twin on engines that have SIMD. */
export const gramOptions = { forceJs: false };

/**
 * The JS twin: G_ab accumulates x_ta·x_tb in row order t (the same additions as a column-pair loop), with
 * row-major reads and half the products.
 */
export function upperGramJs(X: Float64Array, T: number, p: number): Float64Array {
  const G = new Float64Array(p * p);
  for (let t = 0; t < T; t++) {
    const row = t * p;
    for (let a = 0; a < p; a++) {
      const xa = X[row + a]!;
      const ga = a * p;
      for (let b = a; b < p; b++) G[ga + b]! += xa * X[row + b]!;
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) G[a * p + b] = G[b * p + a]!;
  return G;
}

/** G = XᵀX of a T×p row-major matrix, both triangles, equal to the bit to `upperGramJs`. */
export function upperGram(X: Float64Array, T: number, p: number): Float64Array {
  const m = Math.ceil(p / 4) * 4;
  const xBytes = T * m * 8;
  const k = gramOptions.forceJs || T === 0 ? null : kernel(xBytes + m * m * 8);
  if (!k) return upperGramJs(X, T, p);
  const mem = new Float64Array(k.memory.buffer);
  // X with its rows padded to m (zeros), then G (m × m, zeroed).
  if (m === p) mem.set(X.subarray(0, T * p));
  else {
    for (let t = 0; t < T; t++) {
      mem.set(X.subarray(t * p, (t + 1) * p), t * m);
      mem.fill(0, t * m + p, (t + 1) * m);
    }
  }
  const g = T * m;
  mem.fill(0, g, g + m * m);
  k.fn(0, T, m, xBytes);
  const G = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) G[a * p + b] = G[b * p + a] = mem[g + a * m + b]!;
  }
  return G;
}
