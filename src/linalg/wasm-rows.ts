/**
 * WebAssembly emitters for one row of a row-major matrix, shared by the kernels (spectral-kernel.ts,
 * woodbury-kernel.ts):
 * - `emitRowDotParts`: the row's dot product with a vector in the JS `rowDot` order (woodbury.ts) — four
 *   strided partial sums over groups of four entries, held as two f64x2 (s₀, s₁) and (s₂, s₃), then the
 *   n mod 4 tail added to s₀ in order; the caller combines them as (s₀ + s₁) + (s₂ + s₃) or folds that into its
 *   own expression, so every kernel's sums round as rowDot's;
 * - `addScaledRow`: dst_j += row_j·x, one multiply and one add per entry as a JS loop does.
 */
import type { FunctionBuilder } from '../core/wasm.ts';

/** Locals (by name) that `emitRowDotParts` reads and writes. */
export interface RowDotLocals {
  /** i32: byte address of the row's first entry. */
  readonly row: string;
  /** i32: byte address of the vector's first entry. */
  readonly vec: string;
  /** i32: the row length in bytes rounded down to a multiple of 32 (four entries). */
  readonly quadBytes: string;
  /** i32: the row length in bytes. */
  readonly bytes: string;
  /** i32 scratch: the byte offset within the row. */
  readonly at: string;
  /** v128: (s₀, s₁) and (s₂, s₃) on exit. */
  readonly lo: string;
  readonly hi: string;
  /** f64: s₀ plus the tail on exit. */
  readonly s0: string;
  /** A prefix that keeps this emission's block and loop labels apart from the caller's. */
  readonly label: string;
}

/** Leaves the partial sums of row·vec in `lo`, `hi` and `s0` (see the module comment). */
export function emitRowDotParts(f: FunctionBuilder, v: RowDotLocals): void {
  const quadDone = `${v.label}QuadDone`;
  const quad = `${v.label}Quad`;
  const tailDone = `${v.label}TailDone`;
  const tail = `${v.label}Tail`;
  f.f64x2(0, 0).tee(v.lo).set(v.hi);
  f.i32(0).set(v.at);
  f.block(quadDone).loop(quad);
  f.get(v.at).get(v.quadBytes).op('i32.ge_u').brIf(quadDone);
  f.get(v.lo).get(v.row).get(v.at).op('i32.add').load('v128.load', 0, 3);
  f.get(v.vec).get(v.at).op('i32.add').load('v128.load', 0, 3);
  f.op('f64x2.mul').op('f64x2.add').set(v.lo);
  f.get(v.hi).get(v.row).get(v.at).op('i32.add').load('v128.load', 16, 3);
  f.get(v.vec).get(v.at).op('i32.add').load('v128.load', 16, 3);
  f.op('f64x2.mul').op('f64x2.add').set(v.hi);
  f.get(v.at).i32(32).op('i32.add').set(v.at).br(quad);
  f.end().end();
  f.get(v.lo).lane('f64x2.extract_lane', 0).set(v.s0);
  f.block(tailDone).loop(tail);
  f.get(v.at).get(v.bytes).op('i32.ge_u').brIf(tailDone);
  f.get(v.s0);
  f.get(v.row).get(v.at).op('i32.add').load('f64.load');
  f.get(v.vec).get(v.at).op('i32.add').load('f64.load');
  f.op('f64.mul').op('f64.add').set(v.s0);
  f.get(v.at).i32(8).op('i32.add').set(v.at).br(tail);
  f.end().end();
}

/**
 * dst_j += row_j·x for j < k (byte offsets jb < kb: the pairs below k2b by f64x2, an odd last entry alone),
 * one multiply and one add per entry as the JS loops do: `vector` is the local holding x splatted, `scalar`
 * pushes x as an f64. Uses the locals jb, kb, k2b and o.
 */
export function addScaledRow(
  f: FunctionBuilder,
  dst: string,
  row: string,
  vector: string,
  scalar: () => void,
): void {
  f.i32(0).set('jb');
  f.block('addDone').loop('add');
  f.get('jb').get('k2b').op('i32.ge_u').brIf('addDone');
  f.get(dst).get('jb').op('i32.add').tee('o');
  f.get('o').load('v128.load', 0, 3);
  f.get(row).get('jb').op('i32.add').load('v128.load', 0, 3).get(vector).op('f64x2.mul');
  f.op('f64x2.add').store('v128.store', 0, 3);
  f.get('jb').i32(16).op('i32.add').set('jb').br('add');
  f.end().end();
  f.get('jb').get('kb').op('i32.lt_u').if();
  f.get(dst).get('jb').op('i32.add').tee('o');
  f.get('o').load('f64.load');
  f.get(row).get('jb').op('i32.add').load('f64.load');
  scalar();
  f.op('f64.mul').op('f64.add').store('f64.store');
  f.end();
}
