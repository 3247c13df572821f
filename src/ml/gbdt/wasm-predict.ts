/**
 * Forest prediction in WebAssembly (methods.md §9.3 item 10): the margins of a block of rows, tree by tree,
 * with a branch-free, fixed-depth traversal of eight rows at a time.
 *
 * Why: a JavaScript traversal takes one data-dependent branch per level (x < threshold is a coin flip), stops at
 * a varying depth and follows child pointers, so each step pays a misprediction and two dependent loads. Here:
 *   - every tree is stored as a complete binary tree of the forest's depth D in heap order (children of node i
 *     are 2i and 2i + 1), so a step is `i = 2i + goRight` without loading a child index; a leaf above depth D
 *     becomes a node that always goes left, and its value sits at its leftmost descendant at depth D;
 *   - features and thresholds are compared as order-preserving unsigned 32-bit keys of their float32 values
 *     (NaN → key 0, −0 → +0), and the missing direction folds into the same comparison:
 *     goRight = (key − mr) ≥ᵤ (thresholdKey − mr), mr = 1 if missing values go right. For key ≥ 1 this is
 *     key ≥ thresholdKey, i.e. ¬(x < threshold); for a missing value (key 0, mr = 1) the left side wraps to
 *     2³² − 1 and goes right, with mr = 0 it goes left;
 *   - eight rows advance together to hide the latency of each step's loads behind the others; rows are taken
 *     in blocks so that the block's keys and one tree stay in cache while the block is scored tree by tree.
 * Each row's margin receives its leaf values in tree order, so the result is bit-identical to
 * addForestMarginsJs (test/ml/gbdt-kernels.test.ts).
 *
 * Memory layout (byte addresses): tree table (8 bytes per tree: image address, 8·class), tree images (node i at
 * image + 8i: i32 4·feature + mr, i32 thresholdKey − mr, for i in [1, 2^D); leaf values as f64 at
 * image + 8·2^D + 8j for the depth-D node 2^D + j), then the row keys (p u32 each) and their margins.
 */
import {
  ensureWasmMemory,
  FunctionBuilder,
  instantiate,
  ModuleBuilder,
  newWasmMemory,
  type WasmMemory,
  type WasmModule,
} from '../../core/wasm.ts';
import type { FlatForest } from './predict.ts';

const ROW_BLOCK = 128;
const LANES = 8;
/** Deeper forests (image 16·2^D bytes per tree) are scored by the JavaScript kernel. */
export const MAX_WASM_PREDICT_DEPTH = 12;

/**
 * forest(treeTab, treeEnd, depth, X, n, out, outRowBytes) for rows of `rowBytes` bytes (baked in, so that the
 * eight rows of a group are immediate offsets from one address): for every row i < n and every tree,
 * f64[out + i·outRowBytes + 8·class] += the value of the leaf that row i reaches.
 */
function forestKernel(rowBytes: number): FunctionBuilder {
  const f = new FunctionBuilder('forest', [
    ['treeTab', 'i32'],
    ['treeEnd', 'i32'],
    ['depth', 'i32'],
    ['X', 'i32'],
    ['n', 'i32'],
    ['out', 'i32'],
    ['outRowBytes', 'i32'],
  ]).local(['b0', 'b1', 't', 'img', 'koff', 'i', 'd', 'x', 'rec', 'fo', 'o', 'leaves'], 'i32');
  const node = Array.from({ length: LANES }, (_, j) => `n${j}`);
  f.local(node, 'i32');
  f.i32(1).get('depth').op('i32.shl').set('leaves');
  /** node := 2·node + goRight for the row at x + j·rowBytes. */
  const step = (nd: string, j: number) => {
    f.get('img').get(nd).i32(3).op('i32.shl').op('i32.add').tee('rec').load('i32.load').set('fo');
    f.get(nd).get(nd).op('i32.add');
    f.get('x')
      .get('fo')
      .i32(-4)
      .op('i32.and')
      .op('i32.add')
      .load('i32.load', j * rowBytes);
    f.get('fo').i32(1).op('i32.and').op('i32.sub');
    f.get('rec').load('i32.load', 4).op('i32.ge_u');
    f.op('i32.add').set(nd);
  };
  /** out[row i + j] += value(node) */
  const addLeaf = (nd: string, j: number) => {
    f.get('out').get('i');
    if (j > 0) f.i32(j).op('i32.add');
    f.get('outRowBytes').op('i32.mul').op('i32.add').get('koff').op('i32.add').tee('o');
    f.get('o').load('f64.load');
    // value of depth-D node 2^D + j' at img + 8·2^D + 8j' = img + 8·node
    f.get('img').get(nd).i32(3).op('i32.shl').op('i32.add').load('f64.load');
    f.op('f64.add').store('f64.store');
  };
  const walk = (lanes: number) => {
    for (let j = 0; j < lanes; j++) f.i32(1).set(node[j]!);
    f.get('depth').set('d');
    f.block(`walked${lanes}`).get('d').op('i32.eqz').brIf(`walked${lanes}`);
    f.loop(`level${lanes}`);
    for (let j = 0; j < lanes; j++) step(node[j]!, j);
    f.get('d').i32(1).op('i32.sub').tee('d').brIf(`level${lanes}`);
    f.end().end();
    for (let j = 0; j < lanes; j++) addLeaf(node[j]!, j);
  };
  f.block('blocks').get('n').i32(0).op('i32.le_s').brIf('blocks');
  f.loop('block');
  // b1 = min(n, b0 + ROW_BLOCK)
  f.get('b0').i32(ROW_BLOCK).op('i32.add').tee('b1').get('n').op('i32.gt_s');
  f.if().get('n').set('b1').end();
  f.get('treeTab').set('t');
  f.loop('tree');
  f.get('t').load('i32.load').set('img');
  f.get('t').load('i32.load', 4).set('koff');
  f.get('b0').set('i');
  f.block('groupsDone');
  f.loop('group');
  f.get('i').i32(LANES).op('i32.add').get('b1').op('i32.gt_s').brIf('groupsDone');
  f.get('X').get('i').i32(rowBytes).op('i32.mul').op('i32.add').set('x');
  walk(LANES);
  f.get('i').i32(LANES).op('i32.add').set('i');
  f.br('group');
  f.end().end();
  f.block('rowsDone');
  f.loop('row');
  f.get('i').get('b1').op('i32.ge_s').brIf('rowsDone');
  f.get('X').get('i').i32(rowBytes).op('i32.mul').op('i32.add').set('x');
  walk(1);
  f.get('i').i32(1).op('i32.add').set('i');
  f.br('row');
  f.end().end();
  f.get('t').i32(8).op('i32.add').tee('t').get('treeEnd').op('i32.lt_u').brIf('tree');
  f.end();
  f.get('b1').tee('b0').get('n').op('i32.lt_s').brIf('block');
  f.end().end();
  return f;
}

const modules = new Map<number, WasmModule>();
let memory: WasmMemory | undefined;
const instances = new Map<number, (...a: number[]) => void>();

/** The kernel for rows of `p` features on the shared memory, grown to at least `bytes`. */
function kernelFor(p: number, bytes: number): { memory: WasmMemory; forest: (...a: number[]) => void } {
  if (!memory) memory = newWasmMemory(bytes);
  ensureWasmMemory(memory, bytes);
  let fn = instances.get(p);
  if (!fn) {
    let mod = modules.get(p);
    if (!mod) {
      const compiled = new ModuleBuilder()
        .importMemory()
        .func(forestKernel(4 * p))
        .compile();
      if (!compiled) throw new Error('this engine cannot compile the GBDT prediction kernel');
      mod = compiled;
      modules.set(p, mod);
    }
    fn = instantiate(mod, memory).forest as (...a: number[]) => void;
    instances.set(p, fn);
  }
  return { memory, forest: fn };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Order-preserving unsigned key of a float32 bit pattern: NaN → 0, −0 → +0, otherwise ≥ 0x007FFFFF. */
function keyOfBits(b: number): number {
  if ((b & 0x7fffffff) > 0x7f800000) return 0;
  if (b === 0x80000000) b = 0;
  return (b & 0x80000000 ? ~b : b | 0x80000000) >>> 0;
}

/**
 * The key k of a threshold t such that x < t ⇔ key(x) < k for every float32 x ≠ NaN: the smallest float32 ≥ t
 * (t itself for the float32 thresholds training produces). A NaN threshold sends every value right (key 1).
 */
function thresholdKey(t: number): number {
  if (Number.isNaN(t)) return 1;
  f32[0] = t;
  if (f32[0]! < t) {
    // Round up to the next float32 (t lies strictly between two float32 values, or above the largest finite).
    const b = u32[0]!;
    if (b === 0x80000000 || b === 0) u32[0] = 1;
    else u32[0] = b & 0x80000000 ? b - 1 : b + 1;
  }
  return keyOfBits(u32[0]!);
}

/** Depth of the deepest leaf of the tree rooted at flat node `root` (0 for a single leaf). */
function treeDepth(forest: FlatForest, root: number): number {
  let depth = 0;
  let level = [root];
  for (;;) {
    const next: number[] = [];
    for (const u of level) if (forest.feature[u]! >= 0) next.push(forest.left[u]!, forest.left[u]! + 1);
    if (next.length === 0) return depth;
    depth++;
    level = next;
  }
}

/** Rows per call of the kernel: bounds the memory used for a large matrix. */
const ROW_CHUNK = 8192;

/**
 * The order-preserving u32 keys of float32 feature values (NaN → 0, −0 → +0) that the kernel compares. A caller
 * scoring the same rows repeatedly (the trainer's validation set, every round) computes them once.
 */
export function forestRowKeys(X32: Float32Array): Uint32Array {
  const bits = new Uint32Array(X32.buffer, X32.byteOffset, X32.length);
  const keys = new Uint32Array(X32.length);
  for (let q = 0; q < keys.length; q++) keys[q] = keyOfBits(bits[q]!);
  return keys;
}

/**
 * addForestMargins in WebAssembly: adds the outputs of trees [treeBegin, treeEnd) to `out` (n × K margins).
 * `keys` holds forestRowKeys of the rows (row-major, p columns). Returns false (doing nothing) when the forest is
 * deeper than MAX_WASM_PREDICT_DEPTH. Base kernel: no validation.
 */
export function addForestMarginsWasm(
  forest: FlatForest,
  keys: Uint32Array,
  n: number,
  p: number,
  out: Float64Array,
  treeBegin: number,
  treeEnd: number,
): boolean {
  const K = forest.numClass;
  const nTrees = treeEnd - treeBegin;
  if (nTrees <= 0 || n === 0) return true;
  let D = 0;
  for (let t = treeBegin; t < treeEnd; t++) D = Math.max(D, treeDepth(forest, forest.root[t]!));
  if (D > MAX_WASM_PREDICT_DEPTH || p === 0) return false;
  const L = 2 ** D;
  const imgBytes = 16 * L;
  const chunk = Math.min(n, ROW_CHUNK);
  const imgBase = 8 * nTrees + 16;
  const xBase = imgBase + imgBytes * nTrees;
  const outBase = xBase + Math.ceil((4 * p * chunk) / 16) * 16;
  const k = kernelFor(p, outBase + 8 * K * chunk);
  const buf = k.memory.buffer;
  const i32 = new Int32Array(buf);
  const f64 = new Float64Array(buf);
  // Tree images: heap-ordered nodes, padded to depth D.
  for (let t = 0; t < nTrees; t++) {
    const img = imgBase + imgBytes * t;
    i32[2 * t] = img;
    i32[2 * t + 1] = 8 * forest.classOf[treeBegin + t]!;
    i32.fill(0, img >> 2, (img + 8 * L) >> 2);
    f64.fill(0, (img >> 3) + L, (img >> 3) + 2 * L);
    // (flat node, heap index, depth)
    const stack = [forest.root[treeBegin + t]!, 1, 0];
    while (stack.length > 0) {
      const d = stack.pop()!;
      const h = stack.pop()!;
      const u = stack.pop()!;
      if (d === D) {
        f64[(img >> 3) + h] = forest.value[u]!;
        continue;
      }
      const rec = (img >> 2) + 2 * h;
      if (forest.feature[u]! >= 0) {
        const mr = forest.missingRight[u]!;
        i32[rec] = 4 * forest.feature[u]! + mr;
        i32[rec + 1] = thresholdKey(forest.threshold[u]!) - mr;
        stack.push(forest.left[u]!, 2 * h, d + 1, forest.left[u]! + 1, 2 * h + 1, d + 1);
      } else {
        // A leaf above depth D always goes left (no key is ≥ᵤ 2³² − 1: that pattern is a NaN, key 0).
        i32[rec] = 0;
        i32[rec + 1] = -1;
        stack.push(u, 2 * h, d + 1);
      }
    }
  }
  const x = new Uint32Array(buf, xBase, p * chunk);
  const o64 = new Float64Array(buf, outBase, K * chunk);
  for (let i0 = 0; i0 < n; i0 += chunk) {
    const m = Math.min(chunk, n - i0);
    x.set(keys.subarray(i0 * p, (i0 + m) * p));
    o64.set(out.subarray(i0 * K, (i0 + m) * K));
    k.forest(0, 8 * nTrees, D, xBase, m, outBase, 8 * K);
    out.set(o64.subarray(0, m * K), i0 * K);
  }
  return true;
}
