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
 *   hist{L}_{u8|u16}(rowPtr, rowEnd, ghPtr, c_0…c_{L−1}, b_0…b_{L−1})
 * For each row id r = i32[rowPtr …] (4 bytes each) with (g, h) = f64x2 at ghPtr (16 bytes each, same order),
 * lane l adds (g, h) at byte address b_l + 16·code, code = u8[c_l + r] (or u16[c_l + 2r]).
 * All pointers are byte addresses into the module's memory. They are assembled with src/core/wasm.ts and
 * instantiated together with the node kernels of wasm-node.ts (see hist-store.ts).
 */
import { FunctionBuilder, type ValType } from '../../core/wasm.ts';

/**
 * Features per pass. Three, not eight: every lane keeps two addresses (bin column, histogram base) live, and
 * beyond three lanes the engine runs out of registers and spills them inside the row loop — measured 0.75 vs
 * 0.95 ns per update at node density 0.8 and 1.2 vs 1.5 ns at 0.05 against the 8-lane kernel (decision 066).
 */
export const HIST_LANES = [1, 2, 3] as const;
export type HistLanes = (typeof HIST_LANES)[number];

export function histKernelName(L: HistLanes, u16: boolean): string {
  return `hist${L}_${u16 ? 'u16' : 'u8'}`;
}

/** hist{L}: for each row, one v128 load of its (g, h) and, per lane, a read-modify-write of one slot pair. */
export function histKernel(L: HistLanes, u16: boolean): FunctionBuilder {
  const params: [string, ValType][] = [
    ['rowPtr', 'i32'],
    ['rowEnd', 'i32'],
    ['ghPtr', 'i32'],
  ];
  for (let l = 0; l < L; l++) params.push([`c${l}`, 'i32']);
  for (let l = 0; l < L; l++) params.push([`b${l}`, 'i32']);
  const f = new FunctionBuilder(histKernelName(L, u16), params).local(['r', 'a'], 'i32').local('v', 'v128');
  f.block('done').get('rowPtr').get('rowEnd').op('i32.ge_u').brIf('done');
  f.loop('row');
  f.get('rowPtr').load('i32.load').set('r');
  f.get('ghPtr').load('v128.load').set('v');
  for (let l = 0; l < L; l++) {
    // a = b_l + (code << 4); mem[a] += v
    f.get(`c${l}`).get('r');
    if (u16) f.i32(1).op('i32.shl');
    f.op('i32.add');
    f.load(u16 ? 'i32.load16_u' : 'i32.load8_u');
    f.i32(4).op('i32.shl').get(`b${l}`).op('i32.add').tee('a');
    f.get('a').load('v128.load').get('v').op('f64x2.add').store('v128.store');
  }
  f.get('ghPtr').i32(16).op('i32.add').set('ghPtr');
  f.get('rowPtr').i32(4).op('i32.add').tee('rowPtr');
  f.get('rowEnd').op('i32.lt_u').brIf('row');
  f.end().end();
  return f;
}
