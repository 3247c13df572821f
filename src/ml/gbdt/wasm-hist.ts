/**
 * WebAssembly SIMD histogram kernels (methods.md §9.3 item 4), the hot loop of training.
 *
 * Why WebAssembly: a histogram update is "load the bin code, add (g, h) into two adjacent float64 slots". In
 * JavaScript that is two bounds-checked loads, two adds and two stores per update; in WebAssembly it is one
 * f64x2.add on a 16-byte slot pair, without bounds checks (the engine guards linear memory with page
 * protection). Every lane still adds the same float64 values in the same row order as the JavaScript kernels
 * in histogram.ts, so the histograms are bit-identical to them (test/ml/gbdt-kernels.test.ts checks it).
 *
 * Kernels, for L ∈ {1, 2, 3} lanes and u8/u16 bin codes:
 *   hist{L}_{u8|u16}(rowPtr, rowEnd, ghPtr, hb, c_0…c_{L−1})
 * For each row id r = i32[rowPtr …] (4 bytes each) with (g, h) = f64x2 at ghPtr (16 bytes each, same order),
 * lane l adds (g, h) at byte address hb + l·stride + 16·code, code = u8[c_l + r] (or u16[c_l + 2r]); `stride`
 * (the bytes of one feature's histogram block) is baked into the module.
 * All pointers are byte addresses into the module's memory. They are assembled with src/core/wasm.ts and
 * instantiated together with the node kernels of wasm-node.ts (see hist-store.ts).
 */
import { FunctionBuilder, type ValType } from '../../core/wasm.ts';

/**
 * Features per pass. Three, not eight: with eight lanes (then each holding two addresses) the engine ran out of
 * registers and spilled them inside the row loop — 0.75 vs 0.95 ns per update at node density 0.8 and 1.2 vs
 * 1.5 ns at 0.05 (decision 066).
 */
export const HIST_LANES = [1, 2, 3] as const;
export type HistLanes = (typeof HIST_LANES)[number];

export function histKernelName(L: HistLanes, u16: boolean): string {
  return `hist${L}_${u16 ? 'u16' : 'u8'}`;
}

/**
 * hist{L}: per row, one v128 load of its (g, h) and, per lane, a read-modify-write of one slot pair. The lanes'
 * histograms are `stride` bytes apart (hb, hb + stride, …): their offsets are load/store immediates, so a lane
 * keeps only its bin column in a register. Rows go two at a time (both rows' loads issue before either row's
 * updates; for each lane row k is added before row k + 1, so a slot hit by both still sums in row order), then
 * a last single row if the count is odd.
 */
export function histKernel(L: HistLanes, u16: boolean, stride: number): FunctionBuilder {
  const params: [string, ValType][] = [
    ['rowPtr', 'i32'],
    ['rowEnd', 'i32'],
    ['ghPtr', 'i32'],
    ['hb', 'i32'],
  ];
  for (let l = 0; l < L; l++) params.push([`c${l}`, 'i32']);
  const f = new FunctionBuilder(histKernelName(L, u16), params)
    .local(['r0', 'r1', 'a', 'pairEnd'], 'i32')
    .local(['v0', 'v1'], 'v128');
  /** mem[hb + l·stride + 16·code(r)] += v */
  const update = (l: number, r: string, v: string) => {
    f.get(`c${l}`).get(r);
    if (u16) f.i32(1).op('i32.shl');
    f.op('i32.add');
    f.load(u16 ? 'i32.load16_u' : 'i32.load8_u');
    f.i32(4).op('i32.shl').get('hb').op('i32.add').tee('a');
    f.get('a')
      .load('v128.load', l * stride)
      .get(v)
      .op('f64x2.add')
      .store('v128.store', l * stride);
  };
  // pairEnd = rowPtr + 8·⌊(rowEnd − rowPtr)/8⌋
  f.get('rowEnd')
    .get('rowPtr')
    .op('i32.sub')
    .i32(-8)
    .op('i32.and')
    .get('rowPtr')
    .op('i32.add')
    .set('pairEnd');
  f.block('pairsDone').get('rowPtr').get('pairEnd').op('i32.ge_u').brIf('pairsDone');
  f.loop('pair');
  f.get('rowPtr').load('i32.load').set('r0');
  f.get('rowPtr').load('i32.load', 4).set('r1');
  f.get('ghPtr').load('v128.load').set('v0');
  f.get('ghPtr').load('v128.load', 16).set('v1');
  for (let l = 0; l < L; l++) {
    update(l, 'r0', 'v0');
    update(l, 'r1', 'v1');
  }
  f.get('ghPtr').i32(32).op('i32.add').set('ghPtr');
  f.get('rowPtr').i32(8).op('i32.add').tee('rowPtr');
  f.get('pairEnd').op('i32.lt_u').brIf('pair');
  f.end().end();
  // The last row of an odd count.
  f.block('done').get('rowPtr').get('rowEnd').op('i32.ge_u').brIf('done');
  f.get('rowPtr').load('i32.load').set('r0');
  f.get('ghPtr').load('v128.load').set('v0');
  for (let l = 0; l < L; l++) update(l, 'r0', 'v0');
  f.end();
  return f;
}
