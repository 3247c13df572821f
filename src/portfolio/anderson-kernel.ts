/**
 * The vector passes of Anderson acceleration (anderson.ts) as WebAssembly kernels over the accelerator's
 * history held in the kernel's memory: the new difference columns, the inner products of the new ΔF column
 * and of f with every column, and the update G(x) − ΔG·c.
 *
 * Why: with memory 10 on the 2p-vector (z, y), a step is ~3·10·2p multiply–adds — at p = 1500 the largest JS
 * cost of an ADMM iteration after the w-step (docs/decisions/156-portfolio-prox-kernel.md).
 *
 * Exactness: the same IEEE operations in the same order as the JS passes. `pairDots` keeps (Δf_i, f_i)
 * interleaved so that one f64x2 lane holds each sum — lane 0 is Σ_i Δf_i·y_i, lane 1 Σ_i f_i·y_i, each still
 * i = 0, 1, … in one accumulator; `subtract` runs two entries per f64x2, each entry through the columns in
 * order (f64x2 lanes round as the scalar operations, no fused multiply–add). Same bits as the JS path
 * (test/portfolio/anderson.test.ts).
 */
import {
  FunctionBuilder,
  instantiate,
  lazyModule,
  ModuleBuilder,
  newWasmMemory,
  type WasmModule,
} from '../core/wasm.ts';

type Difference = (
  x: number,
  g: number,
  fPrev: number,
  gPrev: number,
  df: number,
  dg: number,
  pair: number,
  n: number,
) => void;
type PairDots = (pair: number, cols: number, stride: number, n: number, count: number, out: number) => void;
type Subtract = (g: number, coef: number, cols: number, stride: number, n: number, m: number) => void;

/** f = g − x; Δf = f − fPrev, Δg = g − gPrev; fPrev = f, gPrev = g; pair = (Δf_i, f_i) interleaved. */
function differenceFunction(): FunctionBuilder {
  const f = new FunctionBuilder(
    'difference',
    ['x', 'g', 'fPrev', 'gPrev', 'df', 'dg', 'pair', 'n'].map((name) => [name, 'i32'] as [string, 'i32']),
  )
    .local(['ib', 'end', 'pb'], 'i32')
    .local(['gi', 'fi', 'dfi'], 'f64');
  const at = (base: string) => f.get(base).get('ib').op('i32.add');
  f.get('n').i32(3).op('i32.shl').set('end');
  f.block('done').loop('entries');
  f.get('ib').get('end').op('i32.ge_u').brIf('done');
  at('g').load('f64.load').set('gi');
  f.get('gi');
  at('x').load('f64.load');
  f.op('f64.sub').set('fi');
  f.get('fi');
  at('fPrev').load('f64.load');
  f.op('f64.sub').set('dfi');
  at('df').get('dfi').store('f64.store');
  at('dg').get('gi');
  at('gPrev').load('f64.load');
  f.op('f64.sub').store('f64.store');
  at('fPrev').get('fi').store('f64.store');
  at('gPrev').get('gi').store('f64.store');
  f.get('pair').get('ib').i32(1).op('i32.shl').op('i32.add').tee('pb').get('dfi').store('f64.store');
  f.get('pb').get('fi').store('f64.store', 8);
  f.get('ib').i32(8).op('i32.add').set('ib').br('entries');
  f.end().end();
  return f;
}

/**
 * out_2b = Σ_i Δf_i·y_b,i and out_2b+1 = Σ_i f_i·y_b,i for the columns b < count (column b at
 * cols + stride·b), four columns per pass over the pairs, then one.
 */
function pairDotsFunction(): FunctionBuilder {
  const f = new FunctionBuilder('pairDots', [
    ['pair', 'i32'],
    ['cols', 'i32'],
    ['stride', 'i32'],
    ['n', 'i32'],
    ['count', 'i32'],
    ['out', 'i32'],
  ])
    .local(['b', 'ib', 'end', 'c0', 'c1', 'c2', 'c3'], 'i32')
    .local(['v', 'a0', 'a1', 'a2', 'a3'], 'v128');
  f.get('n').i32(3).op('i32.shl').set('end');
  const acc = ['a0', 'a1', 'a2', 'a3'];
  const col = ['c0', 'c1', 'c2', 'c3'];
  const pass = (group: number, label: string) => {
    f.block(`${label}Done`).loop(label);
    f.get('b')
      .i32(group - 1)
      .op('i32.add')
      .get('count')
      .op('i32.ge_u')
      .brIf(`${label}Done`);
    for (let c = 0; c < group; c++) {
      f.get('cols').get('b').i32(c).op('i32.add').get('stride').op('i32.mul').op('i32.add').set(col[c]!);
      f.f64x2(0, 0).set(acc[c]!);
    }
    f.i32(0).set('ib');
    f.block(`${label}EntriesDone`).loop(`${label}Entries`);
    f.get('ib').get('end').op('i32.ge_u').brIf(`${label}EntriesDone`);
    f.get('pair').get('ib').i32(1).op('i32.shl').op('i32.add').load('v128.load', 0, 3).set('v');
    for (let c = 0; c < group; c++) {
      f.get(acc[c]!).get('v');
      f.get(col[c]!).get('ib').op('i32.add').load('v128.load64_splat');
      f.op('f64x2.mul').op('f64x2.add').set(acc[c]!);
    }
    f.get('ib').i32(8).op('i32.add').set('ib').br(`${label}Entries`);
    f.end().end();
    for (let c = 0; c < group; c++) {
      f.get('out').get('b').i32(c).op('i32.add').i32(4).op('i32.shl').op('i32.add').get(acc[c]!);
      f.store('v128.store', 0, 3);
    }
    f.get('b').i32(group).op('i32.add').set('b').br(label);
    f.end().end();
  };
  pass(4, 'quads');
  pass(1, 'singles');
  return f;
}

/**
 * g_i ← g_i − c_0·ΔG_0,i − c_1·ΔG_1,i − … (m columns in order, column a at cols + stride·a), two entries per
 * f64x2, an odd last alone.
 */
function subtractFunction(): FunctionBuilder {
  const f = new FunctionBuilder('subtract', [
    ['g', 'i32'],
    ['coef', 'i32'],
    ['cols', 'i32'],
    ['stride', 'i32'],
    ['n', 'i32'],
    ['m', 'i32'],
  ])
    .local(['ib', 'end', 'pairsEnd', 'a', 'ca'], 'i32')
    .local(['o'], 'v128')
    .local(['s'], 'f64');
  f.get('n').i32(3).op('i32.shl').set('end');
  f.get('n').i32(-2).op('i32.and').i32(3).op('i32.shl').set('pairsEnd');
  f.block('pairsDone').loop('pairs');
  f.get('ib').get('pairsEnd').op('i32.ge_u').brIf('pairsDone');
  f.get('g').get('ib').op('i32.add').load('v128.load', 0, 3).set('o');
  f.i32(0).set('a');
  f.get('cols').get('ib').op('i32.add').set('ca');
  f.block('colsDone').loop('columns');
  f.get('a').get('m').op('i32.ge_u').brIf('colsDone');
  f.get('o');
  f.get('coef').get('a').i32(3).op('i32.shl').op('i32.add').load('v128.load64_splat');
  f.get('ca').load('v128.load', 0, 3).op('f64x2.mul');
  f.op('f64x2.sub').set('o');
  f.get('ca').get('stride').op('i32.add').set('ca');
  f.get('a').i32(1).op('i32.add').set('a').br('columns');
  f.end().end();
  f.get('g').get('ib').op('i32.add').get('o').store('v128.store', 0, 3);
  f.get('ib').i32(16).op('i32.add').set('ib').br('pairs');
  f.end().end();
  // odd n: the last entry alone
  f.get('ib').get('end').op('i32.lt_u').if();
  f.get('g').get('ib').op('i32.add').load('f64.load').set('s');
  f.i32(0).set('a');
  f.get('cols').get('ib').op('i32.add').set('ca');
  f.block('lastDone').loop('last');
  f.get('a').get('m').op('i32.ge_u').brIf('lastDone');
  f.get('s');
  f.get('coef').get('a').i32(3).op('i32.shl').op('i32.add').load('f64.load');
  f.get('ca').load('f64.load').op('f64.mul');
  f.op('f64.sub').set('s');
  f.get('ca').get('stride').op('i32.add').set('ca');
  f.get('a').i32(1).op('i32.add').set('a').br('last');
  f.end().end();
  f.get('g').get('ib').op('i32.add').get('s').store('f64.store');
  f.end();
  return f;
}

const kernelModule = lazyModule(() =>
  new ModuleBuilder()
    .importMemory()
    .func(differenceFunction())
    .func(pairDotsFunction())
    .func(subtractFunction()),
);

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/**
 * An accelerator's vectors in kernel memory: x and g (the step's inputs, written by the caller), fPrev, gPrev,
 * the ring of ΔF and ΔG columns, the coefficients and the inner products.
 */
export class AndersonKernel {
  readonly x: Float64Array;
  readonly g: Float64Array;
  readonly fPrev: Float64Array;
  readonly gPrev: Float64Array;
  readonly dF: readonly Float64Array[];
  readonly dG: readonly Float64Array[];
  readonly coef: Float64Array;
  /** (ΔFᵀΔf)_b and (ΔFᵀf)_b interleaved, after `dots`. */
  readonly products: Float64Array;
  private readonly at: {
    x: number;
    g: number;
    fPrev: number;
    gPrev: number;
    pair: number;
    dF: number;
    dG: number;
    coef: number;
    products: number;
  };
  /** Bytes between consecutive columns (8·n rounded up to 16, so that every column is 16-byte aligned). */
  private readonly stride: number;
  private readonly runDifference: Difference;
  private readonly runPairDots: PairDots;
  private readonly runSubtract: Subtract;

  private constructor(
    module: WasmModule,
    readonly n: number,
    readonly memory: number,
  ) {
    const vec = align16(8 * n);
    this.stride = vec;
    let next = 0;
    const take = (bytes: number) => {
      const at = next;
      next += align16(bytes);
      return at;
    };
    this.at = {
      x: take(vec),
      g: take(vec),
      fPrev: take(vec),
      gPrev: take(vec),
      pair: take(2 * vec),
      dF: take(memory * vec),
      dG: take(memory * vec),
      coef: take(8 * memory),
      products: take(16 * memory),
    };
    const mem = newWasmMemory(next);
    const exports = instantiate(module, mem);
    this.runDifference = exports.difference as Difference;
    this.runPairDots = exports.pairDots as PairDots;
    this.runSubtract = exports.subtract as Subtract;
    const view = (at: number, len: number) => new Float64Array(mem.buffer, at, len);
    this.x = view(this.at.x, n);
    this.g = view(this.at.g, n);
    this.fPrev = view(this.at.fPrev, n);
    this.gPrev = view(this.at.gPrev, n);
    this.dF = Array.from({ length: memory }, (_, b) => view(this.at.dF + b * vec, n));
    this.dG = Array.from({ length: memory }, (_, b) => view(this.at.dG + b * vec, n));
    this.coef = view(this.at.coef, memory);
    this.products = view(this.at.products, 2 * memory);
  }

  /** A kernel for n-vectors with this memory, or undefined where WebAssembly SIMD is unavailable. */
  static create(n: number, memory: number): AndersonKernel | undefined {
    const module = kernelModule();
    return module && n > 0 && memory > 0 ? new AndersonKernel(module, n, memory) : undefined;
  }

  /** From x, g: ring slot `slot` of ΔF, ΔG; fPrev = g − x, gPrev = g. */
  difference(slot: number): void {
    const { at, n, stride } = this;
    this.runDifference(
      at.x,
      at.g,
      at.fPrev,
      at.gPrev,
      at.dF + slot * stride,
      at.dG + slot * stride,
      at.pair,
      n,
    );
  }

  /** `products` for the first `count` columns of ΔF. */
  dots(count: number): void {
    const { at, n } = this;
    this.runPairDots(at.pair, at.dF, this.stride, n, count, at.products);
  }

  /** g ← g − Σ_{a < m} coef_a·ΔG_a. */
  subtract(m: number): void {
    const { at, n } = this;
    this.runSubtract(at.g, at.coef, at.dG, this.stride, n, m);
  }
}
