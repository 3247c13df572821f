/**
 * The two p-long passes of a Woodbury solve (StructuredCovariance.solve, woodbury.ts) as WebAssembly SIMD
 * kernels: z = (D⁻¹G)ᵀb, then — after the r × r capacitance solve, which stays in JS — x_i = D⁻¹_i·b_i −
 * (D⁻¹G)_i·z. At p = 1500 and r ≈ 15–20 these two loops were the optimiser's largest JS cost on the
 * factor-model, PCA and RMT books (3 % of the stage's worker time; docs/decisions/165).
 *
 * Exactness: each kernel performs the IEEE operations of its JS twin in the same order — `gemvT` is dgemvT
 * with α = 1, β = 0 (rows in groups of four, y_j + (((x₀a₀ⱼ + x₁a₁ⱼ) + x₂a₂ⱼ) + x₃a₃ⱼ), the m mod 4 rows one
 * by one), `rowsMinusDot` is woodbury.ts's `rowDot` (four strided partial sums (s₀ + s₁) + (s₂ + s₃), the
 * r mod 4 tail on s₀) subtracted from d_i·b_i — with two columns per f64x2 lane pair and no fused
 * multiply-add, so the results are bit-identical (test/linalg/woodbury-kernel.test.ts).
 *
 *   gemvT(A, x, y, m, n):                y = Aᵀx            (A m × n, row-major)
 *   rowsMinusDot(A, d, b, z, out, m, n): out_i = d_i·b_i − A_i·z
 */

import {
  ensureWasmMemory,
  FunctionBuilder,
  instantiate,
  lazyModule,
  ModuleBuilder,
  newWasmMemory,
  type WasmMemory,
} from '../core/wasm.ts';
import { addScaledRow, emitRowDotParts } from './wasm-rows.ts';
import { solveCapacitance, type WoodburyFactor } from './woodbury.ts';

type GemvT = (A: number, x: number, y: number, m: number, n: number) => void;
type RowsMinusDot = (A: number, d: number, b: number, z: number, out: number, m: number, n: number) => void;

/** y = Aᵀx in dgemvT's order (α = 1, β = 0); two columns of y per f64x2, an odd last column alone. */
function gemvTFunction(): FunctionBuilder {
  const f = new FunctionBuilder('gemvT', [
    ['A', 'i32'],
    ['x', 'i32'],
    ['y', 'i32'],
    ['m', 'i32'],
    ['n', 'i32'],
  ])
    .local(['i', 'r0', 'r1', 'r2', 'r3', 'jb', 'kb', 'k2b', 'o', 'xb'], 'i32')
    .local(['v0', 'v1', 'v2', 'v3'], 'v128');
  f.get('n').i32(3).op('i32.shl').set('kb');
  f.get('n').i32(-2).op('i32.and').i32(3).op('i32.shl').set('k2b');
  f.get('y').i32(0).get('kb').op('memory.fill');
  f.get('A').set('r0');
  const splat = (at: number, v: string) => f.get('xb').load('f64.load', at).op('f64x2.splat').set(v);
  const lane0 = (v: string) => f.get(v).lane('f64x2.extract_lane', 0);
  // rows i … i + 3 while i + 4 ≤ m
  f.block('quadsDone').loop('quads');
  f.get('i').i32(4).op('i32.add').get('m').op('i32.gt_s').brIf('quadsDone');
  f.get('x').get('i').i32(3).op('i32.shl').op('i32.add').set('xb');
  splat(0, 'v0');
  splat(8, 'v1');
  splat(16, 'v2');
  splat(24, 'v3');
  f.get('r0').get('kb').op('i32.add').tee('r1').get('kb').op('i32.add').tee('r2');
  f.get('kb').op('i32.add').set('r3');
  f.i32(0).set('jb');
  f.block('quadVecDone').loop('quadVec');
  f.get('jb').get('k2b').op('i32.ge_u').brIf('quadVecDone');
  f.get('y').get('jb').op('i32.add').tee('o');
  f.get('o').load('v128.load', 0, 3);
  f.get('r0').get('jb').op('i32.add').load('v128.load', 0, 3).get('v0').op('f64x2.mul');
  f.get('r1').get('jb').op('i32.add').load('v128.load', 0, 3).get('v1').op('f64x2.mul');
  f.op('f64x2.add');
  f.get('r2').get('jb').op('i32.add').load('v128.load', 0, 3).get('v2').op('f64x2.mul');
  f.op('f64x2.add');
  f.get('r3').get('jb').op('i32.add').load('v128.load', 0, 3).get('v3').op('f64x2.mul');
  f.op('f64x2.add').op('f64x2.add').store('v128.store', 0, 3);
  f.get('jb').i32(16).op('i32.add').set('jb').br('quadVec');
  f.end().end();
  // odd n: the last column
  f.get('jb').get('kb').op('i32.lt_u').if();
  f.get('y').get('jb').op('i32.add').tee('o');
  f.get('o').load('f64.load');
  f.get('r0').get('jb').op('i32.add').load('f64.load');
  lane0('v0');
  f.op('f64.mul');
  f.get('r1').get('jb').op('i32.add').load('f64.load');
  lane0('v1');
  f.op('f64.mul').op('f64.add');
  f.get('r2').get('jb').op('i32.add').load('f64.load');
  lane0('v2');
  f.op('f64.mul').op('f64.add');
  f.get('r3').get('jb').op('i32.add').load('f64.load');
  lane0('v3');
  f.op('f64.mul').op('f64.add').op('f64.add').store('f64.store');
  f.end();
  f.get('r3').get('kb').op('i32.add').set('r0');
  f.get('i').i32(4).op('i32.add').set('i').br('quads');
  f.end().end();
  // the m mod 4 rows one by one: y_j + x_i·a_ij
  f.block('restDone').loop('rest');
  f.get('i').get('m').op('i32.ge_s').brIf('restDone');
  f.get('x').get('i').i32(3).op('i32.shl').op('i32.add').set('xb');
  splat(0, 'v0');
  addScaledRow(f, 'y', 'r0', 'v0', () => lane0('v0'));
  f.get('r0').get('kb').op('i32.add').set('r0');
  f.get('i').i32(1).op('i32.add').set('i').br('rest');
  f.end().end();
  return f;
}

/**
 * out_i = d_i·b_i − A_i·z with rowDot's partial sums: (s₀, s₁) and (s₂, s₃) in two f64x2 over groups of four
 * columns, the n mod 4 tail added to s₀ in order, then (s₀ + s₁) + (s₂ + s₃).
 */
function rowsMinusDotFunction(): FunctionBuilder {
  const f = new FunctionBuilder('rowsMinusDot', [
    ['A', 'i32'],
    ['d', 'i32'],
    ['b', 'i32'],
    ['z', 'i32'],
    ['out', 'i32'],
    ['m', 'i32'],
    ['n', 'i32'],
  ])
    .local(['i', 'row', 'jb', 'nb', 'n4b', 'ib'], 'i32')
    .local(['s0'], 'f64')
    .local(['P', 'Q'], 'v128');
  f.get('n').i32(3).op('i32.shl').set('nb');
  f.get('n').i32(-4).op('i32.and').i32(3).op('i32.shl').set('n4b');
  f.get('A').set('row');
  f.block('rowsDone').loop('rows');
  f.get('i').get('m').op('i32.ge_s').brIf('rowsDone');
  emitRowDotParts(f, {
    row: 'row',
    vec: 'z',
    quadBytes: 'n4b',
    bytes: 'nb',
    at: 'jb',
    lo: 'P',
    hi: 'Q',
    s0: 's0',
    label: 'dot',
  });
  f.get('i').i32(3).op('i32.shl').set('ib');
  f.get('out').get('ib').op('i32.add');
  f.get('d').get('ib').op('i32.add').load('f64.load');
  f.get('b').get('ib').op('i32.add').load('f64.load');
  f.op('f64.mul');
  f.get('s0').get('P').lane('f64x2.extract_lane', 1).op('f64.add');
  f.get('Q').lane('f64x2.extract_lane', 0).get('Q').lane('f64x2.extract_lane', 1).op('f64.add');
  f.op('f64.add').op('f64.sub').store('f64.store');
  f.get('row').get('nb').op('i32.add').set('row');
  f.get('i').i32(1).op('i32.add').set('i').br('rows');
  f.end().end();
  return f;
}

const kernelModule = lazyModule(() =>
  new ModuleBuilder().importMemory().func(gemvTFunction()).func(rowsMinusDotFunction()),
);

const align16 = (n: number) => Math.ceil(n / 16) * 16;

/**
 * This thread's Woodbury solver: one memory holding the factor last solved with (D⁻¹G and D⁻¹, copied in when
 * another factor's solve arrives — an ADMM run solves with one factor many times in a row) and the vectors b,
 * out and z. The layout follows the resident factor's p (its D⁻¹'s length) and r.
 */
class WoodburyKernel {
  private readonly memory: WasmMemory;
  private readonly gemvT: GemvT;
  private readonly rowsMinusDot: RowsMinusDot;
  private resident: WoodburyFactor | undefined;
  private dAt = 0;
  private bAt = 0;
  private outAt = 0;
  private zAt = 0;
  private b = new Float64Array(0);
  private out = new Float64Array(0);
  private z = new Float64Array(0);

  constructor(module: NonNullable<ReturnType<typeof kernelModule>>) {
    this.memory = newWasmMemory(1);
    const exports = instantiate(module, this.memory);
    this.gemvT = exports.gemvT as GemvT;
    this.rowsMinusDot = exports.rowsMinusDot as RowsMinusDot;
  }

  private load(f: WoodburyFactor): void {
    const { r } = f;
    const p = f.dInv.length;
    this.dAt = align16(8 * p * r);
    this.bAt = this.dAt + align16(8 * p);
    this.outAt = this.bAt + align16(8 * p);
    this.zAt = this.outAt + align16(8 * p);
    ensureWasmMemory(this.memory, this.zAt + 8 * r);
    const f64 = new Float64Array(this.memory.buffer);
    f64.set(f.DinvG, 0);
    f64.set(f.dInv, this.dAt / 8);
    this.b = f64.subarray(this.bAt / 8, this.bAt / 8 + p);
    this.out = f64.subarray(this.outAt / 8, this.outAt / 8 + p);
    this.z = f64.subarray(this.zAt / 8, this.zAt / 8 + r);
    this.resident = f;
  }

  /** out ← Σ⁻¹b by the factor (structured-covariance.ts `solve`'s steps, the same bits). */
  solve(f: WoodburyFactor, b: Float64Array, out: Float64Array): void {
    if (this.resident !== f) this.load(f);
    const p = f.dInv.length;
    this.b.set(b);
    this.gemvT(0, this.bAt, this.zAt, p, f.r);
    solveCapacitance(f, this.z, 1);
    this.rowsMinusDot(0, this.dAt, this.bAt, this.zAt, this.outAt, p, f.r);
    out.set(this.out);
  }
}

let instance: WoodburyKernel | null | undefined;

/** This thread's Woodbury kernel, or null where WebAssembly SIMD is unavailable (the caller's JS loops run). */
export function woodburyKernel(): WoodburyKernel | null {
  if (instance === undefined) {
    const module = kernelModule();
    instance = module ? new WoodburyKernel(module) : null;
  }
  return instance;
}

export type { WoodburyKernel };
