/**
 * The symmetric product of the blocked tridiagonalisation (tridiagonal.ts, reducePanel) in WebAssembly
 * f64x2, with the matrix and the panel's vectors in the kernel memory (docs/decisions/030), and the panel's
 * corrections for its pending update (docs/decisions/032).
 *
 * Why: each of the n reflector steps multiplies the stale trailing upper triangle by v — n³/3 multiply-adds
 * in all, half the reduction's flops and, after the trailing update moved to the WebAssembly gemm, most
 * of its time. In JavaScript the two-rows-at-a-time loop runs near 1.7 GFLOP/s; here each step handles two
 * columns per f64x2 (a dot for each of the two rows and the mirrored axpy into p).
 *
 * Kernel `symvUpper(a, ldaBytes, r0, n, v, p)` (byte offsets; v and p indexed by global column):
 *   p[r] += Σ_{c ≥ r} A[r, c]·v[c] and p[c] += A[r, c]·v[r] for c > r, over rows r0 … n − 1,
 * i.e. p += A·v for the symmetric matrix whose upper triangle (rows/columns r0…n−1) is stored in A.
 * The row dots are summed in two lanes, so their rounding differs from the scalar twin by the order of
 * the additions only; the axpy into p performs the same operations as the scalar loop.
 *
 * Kernels of the panel's corrections (rows of Vt and Wt are `ldb` bytes apart, indexed by global column),
 * each performing per entry exactly the operations of reducePanel's JavaScript loops, in the same order
 * (the f64x2 lanes hold neighbouring columns, the dots are scalar chains), so they give the same bits:
 *   rowUpdate(a, vt, wt, ldb, j, k, n):  A[k, c] −= Vt[i, k]·Wt[i, c] + Wt[i, k]·Vt[i, c], i < j, c ≥ k;
 *   panelDots(vt, wt, ldb, j, c0, n, coef): coef[2i] = Σ_c Wt[i, c]·Vt[j, c], coef[2i+1] = Σ_c Vt[i, c]·Vt[j, c];
 *   panelCorrect(vt, wt, ldb, j, c0, n, p, coef): p[c] −= Vt[i, c]·coef[2i] + Wt[i, c]·coef[2i+1], i < j.
 * And the panel's trailing update of the upper triangle, rows and columns s0…n−1 (docs/decisions/032):
 *   trailingUpdate(a, lda, vt, wt, ldb, panel, s0, n): A[r, c] ← (A[r, c] − Σ_i Vt[i, r]·Wt[i, c]) − Σ_i Wt[i, r]·Vt[i, c]
 * for c ≥ r, each sum a chain over i = 0 … panel − 1 from zero — the two gemm calls' arithmetic
 * (C += α·sum with α = −1, one KC slice), entry by entry, without the packing and the JavaScript pass over
 * C, and without the entries below the diagonal.
 *
 * And the back-transformation's block product (applyQBlocked's compact-WY update, docs/decisions/034):
 *   blockUpdate(out, ldo, pm, ldp, sm, lds, k, m, q): out[r, c] −= Σ_{i<k} P[i, r]·S[i, c], r < m, c < q,
 * m even and q a multiple of 8 (the caller zero-pads), each sum one chain over i from zero. Two rows × eight
 * columns per step: eight f64x2 accumulators fed by two splats of P and four vector loads of S per i.
 *
 * And divide and conquer's secular eigenvectors (tridiagonal-dc.ts, docs/decisions/034), two columns per
 * f64x2 with the JavaScript twin's operations per entry (same bits):
 *   secularVectors(dk, zhat, base, tau, norm, u, nk): u[j, i] = ẑ_j / ((d_j − base_i) − τ_i), norm[i] += u[j, i]²
 *     in increasing j; scaleColumns(u, s, nk): u[j, i] *= s[i].
 */
import {
  ensureWasmMemory,
  FunctionBuilder,
  instantiate,
  lazyModule,
  ModuleBuilder,
  newWasmMemory,
  type WasmMemory,
  type WasmModule,
} from '../core/wasm.ts';

type SymvUpper = (a: number, lda: number, r0: number, n: number, v: number, p: number) => void;
type RowUpdate = (a: number, vt: number, wt: number, ldb: number, j: number, k: number, n: number) => void;
type TrailingUpdate = (
  a: number,
  lda: number,
  vt: number,
  wt: number,
  ldb: number,
  panel: number,
  s0: number,
  n: number,
) => void;
type BlockUpdate = (
  out: number,
  ldo: number,
  pm: number,
  ldp: number,
  sm: number,
  lds: number,
  k: number,
  m: number,
  q: number,
) => void;
type PanelDots = (
  vt: number,
  wt: number,
  ldb: number,
  j: number,
  c0: number,
  n: number,
  coef: number,
) => void;
type PanelCorrect = (
  vt: number,
  wt: number,
  ldb: number,
  j: number,
  c0: number,
  n: number,
  p: number,
  coef: number,
) => void;

/** f64 at base + 8·index (both locals). */
function at(f: FunctionBuilder, base: string, index: string): FunctionBuilder {
  return f.get(base).get(index).i32(3).op('i32.shl').op('i32.add');
}

function symvUpperFunction(): FunctionBuilder {
  const f = new FunctionBuilder('symvUpper', [
    ['a', 'i32'],
    ['lda', 'i32'],
    ['r0', 'i32'],
    ['n', 'i32'],
    ['v', 'i32'],
    ['p', 'i32'],
  ])
    .local(['r', 'c', 'b0', 'b1', 'pc'], 'i32')
    .local(['v0', 'v1', 'a01', 's0', 's1', 'x0', 'x1', 'vc'], 'f64')
    .local(['V0', 'V1', 'S0', 'S1', 'X0', 'X1', 'VC'], 'v128');
  f.get('r0').set('r');
  f.block('rowsDone').loop('rows');
  f.get('r').i32(1).op('i32.add').get('n').op('i32.ge_s').brIf('rowsDone');
  // b0, b1: the addresses of A[r, 0] and A[r + 1, 0].
  f.get('a').get('r').get('lda').op('i32.mul').op('i32.add').tee('b0').get('lda').op('i32.add').set('b1');
  at(f, 'v', 'r').load('f64.load').set('v0');
  at(f, 'v', 'r').load('f64.load', 8).set('v1');
  at(f, 'b0', 'r').load('f64.load', 8).set('a01');
  // The 2 × 2 diagonal block.
  at(f, 'b0', 'r').load('f64.load').get('v0').op('f64.mul').get('a01').get('v1').op('f64.mul');
  f.op('f64.add').set('s0');
  f.get('a01').get('v0').op('f64.mul');
  at(f, 'b1', 'r').load('f64.load', 8).get('v1').op('f64.mul').op('f64.add').set('s1');
  f.get('v0').op('f64x2.splat').set('V0');
  f.get('v1').op('f64x2.splat').set('V1');
  f.f64x2(0, 0).set('S0');
  f.f64x2(0, 0).set('S1');
  f.get('r').i32(2).op('i32.add').set('c');
  // Columns in pairs.
  f.block('pairsDone').loop('pairs');
  f.get('c').i32(2).op('i32.add').get('n').op('i32.gt_s').brIf('pairsDone');
  at(f, 'b0', 'c').load('v128.load', 0, 3).set('X0');
  at(f, 'b1', 'c').load('v128.load', 0, 3).set('X1');
  at(f, 'v', 'c').load('v128.load', 0, 3).set('VC');
  f.get('S0').get('X0').get('VC').op('f64x2.mul').op('f64x2.add').set('S0');
  f.get('S1').get('X1').get('VC').op('f64x2.mul').op('f64x2.add').set('S1');
  at(f, 'p', 'c').tee('pc');
  f.get('pc').load('v128.load', 0, 3);
  f.get('V0').get('X0').op('f64x2.mul').get('V1').get('X1').op('f64x2.mul').op('f64x2.add');
  f.op('f64x2.add').store('v128.store', 0, 3);
  f.get('c').i32(2).op('i32.add').set('c').br('pairs');
  f.end().end();
  // Odd last column.
  f.get('c').get('n').op('i32.lt_s').if();
  at(f, 'b0', 'c').load('f64.load').set('x0');
  at(f, 'b1', 'c').load('f64.load').set('x1');
  at(f, 'v', 'c').load('f64.load').set('vc');
  f.get('s0').get('x0').get('vc').op('f64.mul').op('f64.add').set('s0');
  f.get('s1').get('x1').get('vc').op('f64.mul').op('f64.add').set('s1');
  at(f, 'p', 'c').tee('pc');
  f.get('pc').load('f64.load');
  f.get('v0').get('x0').op('f64.mul').get('v1').get('x1').op('f64.mul').op('f64.add');
  f.op('f64.add').store('f64.store');
  f.end();
  // p[r] += s0 + ΣS0, p[r + 1] += s1 + ΣS1.
  at(f, 'p', 'r').tee('pc');
  f.get('pc').load('f64.load');
  f.get('s0').get('S0').lane('f64x2.extract_lane', 0).get('S0').lane('f64x2.extract_lane', 1);
  f.op('f64.add').op('f64.add').op('f64.add').store('f64.store');
  f.get('pc').get('pc').load('f64.load', 8);
  f.get('s1').get('S1').lane('f64x2.extract_lane', 0).get('S1').lane('f64x2.extract_lane', 1);
  f.op('f64.add').op('f64.add').op('f64.add').store('f64.store', 8);
  f.get('r').i32(2).op('i32.add').set('r').br('rows');
  f.end().end();
  // Odd last row: its diagonal entry only.
  f.get('r').get('n').op('i32.lt_s').if();
  at(f, 'p', 'r').tee('pc');
  f.get('pc').load('f64.load');
  f.get('a').get('r').get('lda').op('i32.mul').op('i32.add').set('b0');
  at(f, 'b0', 'r').load('f64.load');
  at(f, 'v', 'r').load('f64.load').op('f64.mul').op('f64.add').store('f64.store');
  f.end();
  return f;
}

/**
 * For c = c0 … n − 1 in column pairs (then one odd column): `pair` emits the f64x2 body, `single` the scalar
 * one, with `c` holding the column.
 */
function columnLoop(
  f: FunctionBuilder,
  label: string,
  pair: (f: FunctionBuilder) => void,
  single: (f: FunctionBuilder) => void,
): void {
  f.block(`${label}Done`).loop(label);
  f.get('c').i32(2).op('i32.add').get('n').op('i32.gt_s').brIf(`${label}Done`);
  pair(f);
  f.get('c').i32(2).op('i32.add').set('c').br(label);
  f.end().end();
  f.get('c').get('n').op('i32.lt_s').if();
  single(f);
  f.end();
}

/** Row i of the panel: base + i·ldb into `row`. */
function panelRow(f: FunctionBuilder, base: string, row: string): FunctionBuilder {
  return f.get(base).get('i').get('ldb').op('i32.mul').op('i32.add').set(row);
}

function rowUpdateFunction(): FunctionBuilder {
  const f = new FunctionBuilder('rowUpdate', [
    ['a', 'i32'],
    ['vt', 'i32'],
    ['wt', 'i32'],
    ['ldb', 'i32'],
    ['j', 'i32'],
    ['k', 'i32'],
    ['n', 'i32'],
  ])
    .local(['i', 'c', 'vi', 'wi', 'ac'], 'i32')
    .local(['vk', 'wk'], 'f64')
    .local(['VK', 'WK'], 'v128');
  f.i32(0).set('i');
  f.block('panelDone').loop('panel');
  f.get('i').get('j').op('i32.ge_s').brIf('panelDone');
  panelRow(f, 'vt', 'vi');
  panelRow(f, 'wt', 'wi');
  at(f, 'vi', 'k').load('f64.load').set('vk');
  at(f, 'wi', 'k').load('f64.load').set('wk');
  f.get('vk').op('f64x2.splat').set('VK');
  f.get('wk').op('f64x2.splat').set('WK');
  f.get('k').set('c');
  columnLoop(
    f,
    'cols',
    (g) => {
      at(g, 'a', 'c').tee('ac');
      g.get('ac').load('v128.load', 0, 3);
      g.get('VK');
      at(g, 'wi', 'c').load('v128.load', 0, 3).op('f64x2.mul');
      g.get('WK');
      at(g, 'vi', 'c').load('v128.load', 0, 3).op('f64x2.mul').op('f64x2.add');
      g.op('f64x2.sub').store('v128.store', 0, 3);
    },
    (g) => {
      at(g, 'a', 'c').tee('ac');
      g.get('ac').load('f64.load');
      g.get('vk');
      at(g, 'wi', 'c').load('f64.load').op('f64.mul');
      g.get('wk');
      at(g, 'vi', 'c').load('f64.load').op('f64.mul').op('f64.add');
      g.op('f64.sub').store('f64.store');
    },
  );
  f.get('i').i32(1).op('i32.add').set('i').br('panel');
  f.end().end();
  return f;
}

function panelDotsFunction(): FunctionBuilder {
  const f = new FunctionBuilder('panelDots', [
    ['vt', 'i32'],
    ['wt', 'i32'],
    ['ldb', 'i32'],
    ['j', 'i32'],
    ['c0', 'i32'],
    ['n', 'i32'],
    ['coef', 'i32'],
  ])
    .local(['i', 'c', 'vi', 'wi', 'vj', 'ci'], 'i32')
    .local(['wv', 'vv', 'x'], 'f64');
  f.get('vt').get('j').get('ldb').op('i32.mul').op('i32.add').set('vj');
  f.i32(0).set('i');
  f.block('panelDone').loop('panel');
  f.get('i').get('j').op('i32.ge_s').brIf('panelDone');
  panelRow(f, 'vt', 'vi');
  panelRow(f, 'wt', 'wi');
  f.f64(0).set('wv');
  f.f64(0).set('vv');
  f.get('c0').set('c');
  f.block('colsDone').loop('cols');
  f.get('c').get('n').op('i32.ge_s').brIf('colsDone');
  at(f, 'vj', 'c').load('f64.load').set('x');
  f.get('wv');
  at(f, 'wi', 'c').load('f64.load').get('x').op('f64.mul').op('f64.add').set('wv');
  f.get('vv');
  at(f, 'vi', 'c').load('f64.load').get('x').op('f64.mul').op('f64.add').set('vv');
  f.get('c').i32(1).op('i32.add').set('c').br('cols');
  f.end().end();
  f.get('coef').get('i').i32(4).op('i32.shl').op('i32.add').tee('ci').get('wv').store('f64.store');
  f.get('ci').get('vv').store('f64.store', 8);
  f.get('i').i32(1).op('i32.add').set('i').br('panel');
  f.end().end();
  return f;
}

function panelCorrectFunction(): FunctionBuilder {
  const f = new FunctionBuilder('panelCorrect', [
    ['vt', 'i32'],
    ['wt', 'i32'],
    ['ldb', 'i32'],
    ['j', 'i32'],
    ['c0', 'i32'],
    ['n', 'i32'],
    ['p', 'i32'],
    ['coef', 'i32'],
  ])
    .local(['i', 'c', 'vi', 'wi', 'pc', 'ci'], 'i32')
    .local(['wv', 'vv'], 'f64')
    .local(['WV', 'VV'], 'v128');
  f.i32(0).set('i');
  f.block('panelDone').loop('panel');
  f.get('i').get('j').op('i32.ge_s').brIf('panelDone');
  panelRow(f, 'vt', 'vi');
  panelRow(f, 'wt', 'wi');
  f.get('coef').get('i').i32(4).op('i32.shl').op('i32.add').tee('ci').load('f64.load').set('wv');
  f.get('ci').load('f64.load', 8).set('vv');
  f.get('wv').op('f64x2.splat').set('WV');
  f.get('vv').op('f64x2.splat').set('VV');
  f.get('c0').set('c');
  columnLoop(
    f,
    'cols',
    (g) => {
      at(g, 'p', 'c').tee('pc');
      g.get('pc').load('v128.load', 0, 3);
      at(g, 'vi', 'c').load('v128.load', 0, 3).get('WV').op('f64x2.mul');
      at(g, 'wi', 'c').load('v128.load', 0, 3).get('VV').op('f64x2.mul').op('f64x2.add');
      g.op('f64x2.sub').store('v128.store', 0, 3);
    },
    (g) => {
      at(g, 'p', 'c').tee('pc');
      g.get('pc').load('f64.load');
      at(g, 'vi', 'c').load('f64.load').get('wv').op('f64.mul');
      at(g, 'wi', 'c').load('f64.load').get('vv').op('f64.mul').op('f64.add');
      g.op('f64.sub').store('f64.store');
    },
  );
  f.get('i').i32(1).op('i32.add').set('i').br('panel');
  f.end().end();
  return f;
}

/**
 * trailingUpdate's step: two rows × TRAIL_VECTORS f64x2 column pairs, two sums per entry, each loaded Vt/Wt
 * vector serving both rows. One pair (four accumulator chains, four splats, two loads: ten of x64's 16
 * vector registers) reduces the window's 504 × 504 Gram matrix in ≈ 1 ms less CPU than two pairs (eight
 * chains), 12.8–13.2 against 13.9–14.4 ms in three interleaved pairs (decision 157): the same operations
 * per entry, so the same bits.
 */
const TRAIL_VECTORS = 1;

function trailingUpdateFunction(): FunctionBuilder {
  const V = TRAIL_VECTORS;
  const s1 = (row: number, v: number) => `s1_${row}_${v}`;
  const s2 = (row: number, v: number) => `s2_${row}_${v}`;
  const sums: string[] = [];
  for (let row = 0; row < 2; row++) for (let v = 0; v < V; v++) sums.push(s1(row, v), s2(row, v));
  const f = new FunctionBuilder('trailingUpdate', [
    ['a', 'i32'],
    ['lda', 'i32'],
    ['vt', 'i32'],
    ['wt', 'i32'],
    ['ldb', 'i32'],
    ['panel', 'i32'],
    ['s0', 'i32'],
    ['n', 'i32'],
  ])
    .local(['r', 'c', 'i', 'ar', 'vi', 'wi', 'ac'], 'i32')
    .local(sums, 'v128')
    .local(['VR0', 'WR0', 'VR1', 'WR1', 'VC', 'WC'], 'v128');
  /**
   * The update of `lanes` columns from c (lanes = 2·vectors, or 1 for the scalar tail) in `rows` rows from
   * r (row r + 1 from column r: its entry left of the diagonal is in the strictly lower triangle, never
   * read): the two sums over the panel, then A − s1 − s2.
   */
  const block = (rows: number, vectors: number, scalar: boolean) => {
    const zero = () => (scalar ? f.f64(0).op('f64x2.splat') : f.f64x2(0, 0));
    for (let row = 0; row < rows; row++) {
      for (let v = 0; v < vectors; v++) {
        zero().set(s1(row, v));
        zero().set(s2(row, v));
      }
    }
    f.i32(0).set('i');
    f.block('panelDone').loop('panel');
    f.get('i').get('panel').op('i32.ge_s').brIf('panelDone');
    panelRow(f, 'vt', 'vi');
    panelRow(f, 'wt', 'wi');
    for (let row = 0; row < rows; row++) {
      at(f, 'vi', 'r')
        .load('v128.load64_splat', 8 * row)
        .set(`VR${row}`);
      at(f, 'wi', 'r')
        .load('v128.load64_splat', 8 * row)
        .set(`WR${row}`);
    }
    for (let v = 0; v < vectors; v++) {
      const load = (base: string) =>
        scalar ? at(f, base, 'c').load('v128.load64_splat') : at(f, base, 'c').load('v128.load', 16 * v, 3);
      load('wi').set('WC');
      load('vi').set('VC');
      for (let row = 0; row < rows; row++) {
        f.get(s1(row, v)).get(`VR${row}`).get('WC').op('f64x2.mul').op('f64x2.add').set(s1(row, v));
        f.get(s2(row, v)).get(`WR${row}`).get('VC').op('f64x2.mul').op('f64x2.add').set(s2(row, v));
      }
    }
    f.get('i').i32(1).op('i32.add').set('i').br('panel');
    f.end().end();
    for (let row = 0; row < rows; row++) {
      for (let v = 0; v < vectors; v++) {
        at(f, 'ar', 'c').tee('ac');
        if (row === 1) f.get('lda').op('i32.add').tee('ac');
        if (scalar) {
          f.get('ac').load('f64.load');
          f.get(s1(row, v)).lane('f64x2.extract_lane', 0).op('f64.sub');
          f.get(s2(row, v)).lane('f64x2.extract_lane', 0).op('f64.sub').store('f64.store');
        } else {
          f.get('ac').load('v128.load', 16 * v, 3);
          f.get(s1(row, v))
            .op('f64x2.sub')
            .get(s2(row, v))
            .op('f64x2.sub')
            .store('v128.store', 16 * v, 3);
        }
      }
    }
  };
  /** Columns r … n − 1 of `rows` rows from r: 2·V at a time, then pairs, then the odd last column. */
  const columns = (rows: number) => {
    f.get('r').set('c');
    f.block(`wideDone${rows}`).loop(`wide${rows}`);
    f.get('c')
      .i32(2 * V)
      .op('i32.add')
      .get('n')
      .op('i32.gt_s')
      .brIf(`wideDone${rows}`);
    block(rows, V, false);
    f.get('c')
      .i32(2 * V)
      .op('i32.add')
      .set('c')
      .br(`wide${rows}`);
    f.end().end();
    f.block(`pairsDone${rows}`).loop(`pairs${rows}`);
    f.get('c').i32(2).op('i32.add').get('n').op('i32.gt_s').brIf(`pairsDone${rows}`);
    block(rows, 1, false);
    f.get('c').i32(2).op('i32.add').set('c').br(`pairs${rows}`);
    f.end().end();
    f.get('c').get('n').op('i32.lt_s').if();
    block(rows, 1, true);
    f.end();
  };
  f.get('s0').set('r');
  f.block('rowsDone').loop('rows');
  f.get('r').i32(1).op('i32.add').get('n').op('i32.ge_s').brIf('rowsDone');
  f.get('a').get('r').get('lda').op('i32.mul').op('i32.add').set('ar');
  columns(2);
  f.get('r').i32(2).op('i32.add').set('r').br('rows');
  f.end().end();
  // Odd last row.
  f.get('r').get('n').op('i32.lt_s').if();
  f.get('a').get('r').get('lda').op('i32.mul').op('i32.add').set('ar');
  columns(1);
  f.end();
  return f;
}

function secularVectorsFunction(): FunctionBuilder {
  const f = new FunctionBuilder('secularVectors', [
    ['dk', 'i32'],
    ['zhat', 'i32'],
    ['base', 'i32'],
    ['tau', 'i32'],
    ['norm', 'i32'],
    ['u', 'i32'],
    ['nk', 'i32'],
  ])
    .local(['j', 'c', 'row', 'nc', 'n'], 'i32')
    .local(['zj', 'dj', 'x'], 'f64')
    .local(['Z', 'D', 'X'], 'v128');
  f.i32(0).set('j');
  f.block('rowsDone').loop('rows');
  f.get('j').get('nk').op('i32.ge_s').brIf('rowsDone');
  at(f, 'zhat', 'j').load('f64.load').tee('zj').op('f64x2.splat').set('Z');
  at(f, 'dk', 'j').load('f64.load').tee('dj').op('f64x2.splat').set('D');
  f.get('u').get('j').get('nk').op('i32.mul').i32(3).op('i32.shl').op('i32.add').set('row');
  f.i32(0).set('c');
  f.get('nk').set('n');
  columnLoop(
    f,
    'cols',
    (g) => {
      at(g, 'row', 'c');
      g.get('Z').get('D');
      at(g, 'base', 'c').load('v128.load', 0, 3).op('f64x2.sub');
      at(g, 'tau', 'c').load('v128.load', 0, 3).op('f64x2.sub').op('f64x2.div').tee('X');
      g.store('v128.store', 0, 3);
      at(g, 'norm', 'c').tee('nc');
      g.get('nc').load('v128.load', 0, 3).get('X').get('X').op('f64x2.mul').op('f64x2.add');
      g.store('v128.store', 0, 3);
    },
    (g) => {
      at(g, 'row', 'c');
      g.get('zj').get('dj');
      at(g, 'base', 'c').load('f64.load').op('f64.sub');
      at(g, 'tau', 'c').load('f64.load').op('f64.sub').op('f64.div').tee('x');
      g.store('f64.store');
      at(g, 'norm', 'c').tee('nc');
      g.get('nc').load('f64.load').get('x').get('x').op('f64.mul').op('f64.add');
      g.store('f64.store');
    },
  );
  f.get('j').i32(1).op('i32.add').set('j').br('rows');
  f.end().end();
  return f;
}

/**
 * secularSums(dk, zk, nk, o, t, out): out = [ψ, ψ′, φ, φ′, error bound] of f/ρ at offset t from pole o,
 * scalar, the JavaScript twin's operations in its order (tridiagonal-dc.ts secularSums; same bits).
 */
function secularSumsFunction(): FunctionBuilder {
  const f = new FunctionBuilder('secularSums', [
    ['dk', 'i32'],
    ['zk', 'i32'],
    ['nk', 'i32'],
    ['o', 'i32'],
    ['t', 'f64'],
    ['out', 'i32'],
  ])
    .local(['j'], 'i32')
    .local(['base', 'q', 'z', 'psi', 'dpsi', 'phi', 'dphi', 'err'], 'f64');
  at(f, 'dk', 'o').load('f64.load').set('base');
  /** q = z_j / ((d_j − base) − t); sum += z_j·q; dsum += q²; err += sum. */
  const term = (sum: string, dsum: string) => {
    at(f, 'zk', 'j').load('f64.load').tee('z');
    at(f, 'dk', 'j').load('f64.load').get('base').op('f64.sub').get('t').op('f64.sub').op('f64.div').set('q');
    f.get(sum).get('z').get('q').op('f64.mul').op('f64.add').set(sum);
    f.get(dsum).get('q').get('q').op('f64.mul').op('f64.add').set(dsum);
    f.get('err').get(sum).op('f64.add').set('err');
  };
  f.i32(0).set('j');
  f.block('psiDone').loop('psi');
  f.get('j').get('o').op('i32.ge_s').brIf('psiDone');
  term('psi', 'dpsi');
  f.get('j').i32(1).op('i32.add').set('j').br('psi');
  f.end().end();
  f.get('err').op('f64.abs').set('err');
  f.get('nk').i32(1).op('i32.sub').set('j');
  f.block('phiDone').loop('phi');
  f.get('j').get('o').op('i32.le_s').brIf('phiDone');
  term('phi', 'dphi');
  f.get('j').i32(1).op('i32.sub').set('j').br('phi');
  f.end().end();
  f.get('out').get('psi').store('f64.store', 0);
  f.get('out').get('dpsi').store('f64.store', 8);
  f.get('out').get('phi').store('f64.store', 16);
  f.get('out').get('dphi').store('f64.store', 24);
  f.get('out').get('err').store('f64.store', 32);
  return f;
}

function scaleColumnsFunction(): FunctionBuilder {
  const f = new FunctionBuilder('scaleColumns', [
    ['u', 'i32'],
    ['s', 'i32'],
    ['nk', 'i32'],
  ]).local(['j', 'c', 'row', 'n', 'rc'], 'i32');
  f.i32(0).set('j');
  f.get('nk').set('n');
  f.block('rowsDone').loop('rows');
  f.get('j').get('nk').op('i32.ge_s').brIf('rowsDone');
  f.get('u').get('j').get('nk').op('i32.mul').i32(3).op('i32.shl').op('i32.add').set('row');
  f.i32(0).set('c');
  columnLoop(
    f,
    'cols',
    (g) => {
      at(g, 'row', 'c').tee('rc');
      g.get('rc').load('v128.load', 0, 3);
      at(g, 's', 'c').load('v128.load', 0, 3).op('f64x2.mul').store('v128.store', 0, 3);
    },
    (g) => {
      at(g, 'row', 'c').tee('rc');
      g.get('rc').load('f64.load');
      at(g, 's', 'c').load('f64.load').op('f64.mul').store('f64.store');
    },
  );
  f.get('j').i32(1).op('i32.add').set('j').br('rows');
  f.end().end();
  return f;
}

/** f64x2 vectors per row in blockUpdate's step (eight columns): with two rows, eight accumulator chains. */
const BLOCK_VECTORS = 4;
/** Columns per blockUpdate step; the caller pads q to a multiple of it. */
export const BLOCK_UPDATE_COLUMNS = 2 * BLOCK_VECTORS;

function blockUpdateFunction(): FunctionBuilder {
  const V = BLOCK_VECTORS;
  const acc = (row: number, v: number) => `s${row}_${v}`;
  const f = new FunctionBuilder('blockUpdate', [
    ['out', 'i32'],
    ['ldo', 'i32'],
    ['pm', 'i32'],
    ['ldp', 'i32'],
    ['sm', 'i32'],
    ['lds', 'i32'],
    ['k', 'i32'],
    ['m', 'i32'],
    ['q', 'i32'],
  ])
    .local(['r', 'c', 'i', 'pi', 'si', 'o'], 'i32')
    .local(
      [...Array.from({ length: V }, (_, v) => acc(0, v)), ...Array.from({ length: V }, (_, v) => acc(1, v))],
      'v128',
    )
    .local(['P0', 'P1', 'S'], 'v128');
  f.i32(0).set('c');
  f.block('colsDone').loop('cols');
  f.get('c').get('q').op('i32.ge_s').brIf('colsDone');
  f.i32(0).set('r');
  f.block('rowsDone').loop('rows');
  f.get('r').get('m').op('i32.ge_s').brIf('rowsDone');
  for (let v = 0; v < V; v++) {
    f.f64x2(0, 0).set(acc(0, v));
    f.f64x2(0, 0).set(acc(1, v));
  }
  at(f, 'pm', 'r').set('pi');
  at(f, 'sm', 'c').set('si');
  f.i32(0).set('i');
  f.block('sumDone').loop('sum');
  f.get('i').get('k').op('i32.ge_s').brIf('sumDone');
  f.get('pi').load('v128.load64_splat').set('P0');
  f.get('pi').load('v128.load64_splat', 8).set('P1');
  for (let v = 0; v < V; v++) {
    f.get('si')
      .load('v128.load', 16 * v, 3)
      .set('S');
    f.get(acc(0, v)).get('P0').get('S').op('f64x2.mul').op('f64x2.add').set(acc(0, v));
    f.get(acc(1, v)).get('P1').get('S').op('f64x2.mul').op('f64x2.add').set(acc(1, v));
  }
  f.get('pi').get('ldp').op('i32.add').set('pi');
  f.get('si').get('lds').op('i32.add').set('si');
  f.get('i').i32(1).op('i32.add').set('i').br('sum');
  f.end().end();
  // out rows r and r + 1, columns c … c + 7: out − sum.
  f.get('out').get('r').get('ldo').op('i32.mul').op('i32.add').set('o');
  at(f, 'o', 'c').set('o');
  for (let row = 0; row < 2; row++) {
    for (let v = 0; v < V; v++) {
      f.get('o')
        .get('o')
        .load('v128.load', 16 * v, 3)
        .get(acc(row, v))
        .op('f64x2.sub');
      f.store('v128.store', 16 * v, 3);
    }
    if (row === 0) f.get('o').get('ldo').op('i32.add').set('o');
  }
  f.get('r').i32(2).op('i32.add').set('r').br('rows');
  f.end().end();
  f.get('c').i32(BLOCK_UPDATE_COLUMNS).op('i32.add').set('c').br('cols');
  f.end().end();
  return f;
}

/** The compiled module, or null where WebAssembly SIMD is unavailable (tridiagonal.ts keeps its JS path). */
const tridiagonalModule = lazyModule(() =>
  new ModuleBuilder()
    .importMemory()
    .func(symvUpperFunction())
    .func(rowUpdateFunction())
    .func(panelDotsFunction())
    .func(panelCorrectFunction())
    .func(trailingUpdateFunction())
    .func(blockUpdateFunction())
    .func(secularVectorsFunction())
    .func(scaleColumnsFunction())
    .func(secularSumsFunction()),
);

/**
 * This thread's kernel memory for one reduction of order n: the matrix (n × n, leading dimension n), the
 * panel's Vt and Wt (rows × n each) and the product p (n), as views refreshed by `reserve`.
 */
export class TridiagonalWorkspace {
  private readonly memory: WasmMemory;
  private readonly run: SymvUpper;
  private readonly runRowUpdate: RowUpdate;
  private readonly runPanelDots: PanelDots;
  private readonly runPanelCorrect: PanelCorrect;
  private readonly runTrailingUpdate: TrailingUpdate;
  private readonly runBlockUpdate: BlockUpdate;
  private readonly runSecularVectors: (
    dk: number,
    zhat: number,
    base: number,
    tau: number,
    norm: number,
    u: number,
    nk: number,
  ) => void;
  private readonly runScaleColumns: (u: number, s: number, nk: number) => void;
  private readonly runSecularSums: (
    dk: number,
    zk: number,
    nk: number,
    o: number,
    t: number,
    out: number,
  ) => void;
  private n = 0;
  A: Float64Array = new Float64Array(0);
  Vt: Float64Array = new Float64Array(0);
  Wt: Float64Array = new Float64Array(0);
  p: Float64Array = new Float64Array(0);
  /** The panel's 2·panel correction coefficients (panelDots → panelCorrect). */
  coef: Float64Array = new Float64Array(0);

  constructor(module: WasmModule) {
    this.memory = newWasmMemory(0);
    const exports = instantiate(module, this.memory);
    this.run = exports.symvUpper as SymvUpper;
    this.runRowUpdate = exports.rowUpdate as RowUpdate;
    this.runPanelDots = exports.panelDots as PanelDots;
    this.runPanelCorrect = exports.panelCorrect as PanelCorrect;
    this.runTrailingUpdate = exports.trailingUpdate as TrailingUpdate;
    this.runBlockUpdate = exports.blockUpdate as BlockUpdate;
    this.runSecularVectors = exports.secularVectors as typeof this.runSecularVectors;
    this.runScaleColumns = exports.scaleColumns as typeof this.runScaleColumns;
    this.runSecularSums = exports.secularSums as typeof this.runSecularSums;
  }

  /**
   * A merge's secular equation in this memory (the kept poles d and weights z, copied in): `sums(o, t)` writes
   * [ψ, ψ′, φ, φ′, error bound] at offset t from pole o into `out` (tridiagonal-dc.ts secularSums). Valid
   * until the next use of the workspace.
   */
  secularEquation(
    nk: number,
    dk: Float64Array,
    zk: Float64Array,
  ): { readonly out: Float64Array; sums(o: number, t: number): void } {
    const [D, Z, out] = this.views([nk, nk, 5]);
    D.set(dk.subarray(0, nk));
    Z.set(zk.subarray(0, nk));
    const run = this.runSecularSums;
    const d = D.byteOffset;
    const z = Z.byteOffset;
    const o8 = out.byteOffset;
    return { out, sums: (o, t) => run(d, z, nk, o, t, o8) };
  }

  /**
   * The secular eigenvectors of a merge (tridiagonal-dc.ts): U (nk × nk, a view into this memory, valid until
   * the next use of the workspace) with column i ∝ (ẑ_j / ((d_j − base_i) − τ_i))_j, unit columns.
   */
  secularEigenvectors(
    nk: number,
    dk: Float64Array,
    zhat: Float64Array,
    base: Float64Array,
    tau: Float64Array,
  ): Float64Array {
    const [D, Z, B, T, N, U] = this.views([nk, nk, nk, nk, nk, nk * nk]);
    D.set(dk.subarray(0, nk));
    Z.set(zhat.subarray(0, nk));
    B.set(base.subarray(0, nk));
    T.set(tau.subarray(0, nk));
    N.fill(0);
    this.runSecularVectors(
      D.byteOffset,
      Z.byteOffset,
      B.byteOffset,
      T.byteOffset,
      N.byteOffset,
      U.byteOffset,
      nk,
    );
    for (let i = 0; i < nk; i++) N[i] = 1 / Math.sqrt(N[i]!);
    this.runScaleColumns(U.byteOffset, N.byteOffset, nk);
    return U;
  }

  /**
   * The kernel memory as `count` consecutive f64 views of the given lengths (for the back-transformation;
   * it replaces the reduction's views, which must no longer be in use). Contents unspecified.
   */
  views(lengths: readonly number[]): Float64Array[] {
    let need = 0;
    for (const len of lengths) need += 8 * len;
    ensureWasmMemory(this.memory, need);
    this.n = 0;
    const buf = this.memory.buffer;
    let o = 0;
    return lengths.map((len) => {
      const v = new Float64Array(buf, o, len);
      o += 8 * len;
      return v;
    });
  }

  /**
   * out[r, c] −= Σ_{i<k} P[i, r]·S[i, c] for r < m (even), c < q (a multiple of BLOCK_UPDATE_COLUMNS); each
   * matrix a view into this memory from `views` with its offset and leading dimension (in entries).
   */
  blockUpdate(
    out: Float64Array,
    offO: number,
    ldo: number,
    P: Float64Array,
    offP: number,
    ldp: number,
    S: Float64Array,
    offS: number,
    lds: number,
    k: number,
    m: number,
    q: number,
  ): void {
    this.runBlockUpdate(
      out.byteOffset + 8 * offO,
      8 * ldo,
      P.byteOffset + 8 * offP,
      8 * ldp,
      S.byteOffset + 8 * offS,
      8 * lds,
      k,
      m,
      q,
    );
  }

  /** Lays the views out for order n with `panel` rows of Vt and Wt (contents unspecified). */
  reserve(n: number, panel: number): void {
    const need = 8 * (n * n + 2 * panel * n + n + 2 * panel);
    ensureWasmMemory(this.memory, need);
    const buf = this.memory.buffer;
    this.n = n;
    let o = 0;
    this.A = new Float64Array(buf, o, n * n);
    o += 8 * n * n;
    this.Vt = new Float64Array(buf, o, panel * n);
    o += 8 * panel * n;
    this.Wt = new Float64Array(buf, o, panel * n);
    o += 8 * panel * n;
    this.p = new Float64Array(buf, o, n);
    o += 8 * n;
    this.coef = new Float64Array(buf, o, 2 * panel);
  }

  /** Row k of A (columns k…n−1) brought up to date with the panel's rows 0…j−1 of Vt and Wt. */
  rowUpdate(j: number, k: number): void {
    const n = this.n;
    this.runRowUpdate(this.A.byteOffset + 8 * k * n, this.Vt.byteOffset, this.Wt.byteOffset, 8 * n, j, k, n);
  }

  /** A₂₂ −= VᵀW + WᵀV on the upper triangle of rows/columns s0…n−1, V and W the `panel` rows of Vt, Wt. */
  trailingUpdate(panel: number, s0: number): void {
    const n = this.n;
    const { A, Vt, Wt } = this;
    this.runTrailingUpdate(A.byteOffset, 8 * n, Vt.byteOffset, Wt.byteOffset, 8 * n, panel, s0, n);
  }

  /**
   * p −= V(Wᵀv) + W(Vᵀv) over columns c0…n−1 for v = row j of Vt and the panel's rows 0…j−1 (the pending
   * update's share of A₂₂·v).
   */
  panelCorrection(j: number, c0: number): void {
    const n = this.n;
    const { Vt, Wt, coef } = this;
    this.runPanelDots(Vt.byteOffset, Wt.byteOffset, 8 * n, j, c0, n, coef.byteOffset);
    this.runPanelCorrect(Vt.byteOffset, Wt.byteOffset, 8 * n, j, c0, n, this.p.byteOffset, coef.byteOffset);
  }

  /** p += A₂₂·(row `vRow` of Vt) over rows/columns r0…n−1 (the upper triangle of A is read). */
  symvUpper(r0: number, vRow: number): void {
    const n = this.n;
    this.run(this.A.byteOffset, 8 * n, r0, n, this.Vt.byteOffset + 8 * vRow * n, this.p.byteOffset);
  }
}

let workspace: TridiagonalWorkspace | null | undefined;

/** This thread's workspace, or null where WebAssembly SIMD is unavailable. */
export function tridiagonalWorkspace(): TridiagonalWorkspace | null {
  if (workspace === undefined) {
    const module = tridiagonalModule();
    workspace = module ? new TridiagonalWorkspace(module) : null;
  }
  return workspace;
}
