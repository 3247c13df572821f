/**
 * The ADMM z-step's prox pass (optimizer.ts `proxStep`) as a WebAssembly kernel: for every name,
 * z_i = proxTradeCost(w̃_i + y_i, …) (prox.ts), with Σ|z_i| and the slope −Σ_free dz_i/dλ of the gross-limit
 * search, over the problem's per-name constants held in the kernel's memory.
 *
 * Why: at 1500 names a pass is ~2 µs of arithmetic per 100 names in JS (a call per name, the typed arrays'
 * bounds re-checked), and the gross-limit search runs 1–4 passes per ADMM iteration
 * (docs/decisions/156-portfolio-prox-kernel.md).
 *
 * Exactness: `prox` performs proxTradeCost's IEEE operations in the same order (f64.min/max/sqrt/abs round
 * and order ±0 and NaN as Math.min/max/sqrt/abs do), and `pass` sums |z_i| and the slope terms in name order
 * as the JS loop does, so the kernel and the JS path give the same bits (test/portfolio/prox-kernel.test.ts).
 */
import {
  FunctionBuilder,
  instantiate,
  lazyModule,
  ModuleBuilder,
  newWasmMemory,
  type WasmModule,
} from '../core/wasm.ts';

const param = (name: string): [string, 'f64'] => [name, 'f64'];

/** u² for the root u ≥ 0 of ρu² + 1.5·b·u + c = 0 (prox.ts `rootSquared`). */
function rootSquaredFunction(): FunctionBuilder {
  const f = new FunctionBuilder('rootSquared', [param('c'), param('b'), param('rho')], ['f64']).local(
    ['u'],
    'f64',
  );
  f.get('b').f64(0).op('f64.eq').if();
  f.get('c').op('f64.neg').get('rho').op('f64.div').op('f64.sqrt').set('u');
  f.else();
  // (−1.5·b + √(2.25·b·b − 4·ρ·c)) / (2ρ)
  f.f64(-1.5).get('b').op('f64.mul');
  f.f64(2.25).get('b').op('f64.mul').get('b').op('f64.mul');
  f.f64(4).get('rho').op('f64.mul').get('c').op('f64.mul');
  f.op('f64.sub').op('f64.sqrt').op('f64.add');
  f.f64(2).get('rho').op('f64.mul').op('f64.div').set('u');
  f.end();
  f.get('u').get('u').op('f64.mul');
  return f;
}

/** a·t + b·t·√t + λ·|z| + ½ρ(z − v)² with t = |z − w0| (prox.ts `proxObjective`). */
function objectiveFunction(): FunctionBuilder {
  const f = new FunctionBuilder('objective', ['z', 'v', 'w0', 'a', 'b', 'lambda', 'rho'].map(param), [
    'f64',
  ]).local(['t'], 'f64');
  f.get('z').get('w0').op('f64.sub').op('f64.abs').set('t');
  f.get('a').get('t').op('f64.mul');
  f.get('b').get('t').op('f64.mul').get('t').op('f64.sqrt').op('f64.mul').op('f64.add');
  f.get('lambda').get('z').op('f64.abs').op('f64.mul').op('f64.add');
  f.f64(0.5).get('rho').op('f64.mul').get('z').get('v').op('f64.sub').op('f64.mul');
  f.get('z').get('v').op('f64.sub').op('f64.mul').op('f64.add');
  return f;
}

/** proxTradeCost, statement for statement (prox.ts). */
function proxFunction(): FunctionBuilder {
  const f = new FunctionBuilder('prox', ['v', 'w0', 'a', 'b', 'lambda', 'rho', 'lo', 'hi'].map(param), [
    'f64',
  ]).local(['e1', 'e2', 'c', 'z', 'probe', 'sA', 'sL'], 'f64');
  const clipZ = () => f.get('hi').get('lo').get('z').op('f64.max').op('f64.min');
  const root = () => f.get('c').get('b').get('rho').call('rootSquared');
  f.f64(0).get('w0').op('f64.min').set('e1');
  f.f64(0).get('w0').op('f64.max').set('e2');
  // left of e1: c = a − (ρ(w0 − v) − λ), z = w0 − u²
  f.get('a').get('rho').get('w0').get('v').op('f64.sub').op('f64.mul').get('lambda').op('f64.sub');
  f.op('f64.sub').set('c');
  f.get('c').f64(0).op('f64.gt').op('i32.eqz').if();
  f.get('w0');
  root();
  f.op('f64.sub').set('z');
  f.get('z').f64(Number.NEGATIVE_INFINITY).op('f64.gt').get('z').get('e1').op('f64.lt').op('i32.and').if();
  clipZ();
  f.op('return');
  f.end();
  f.end();
  // between the kinks
  f.get('e1').get('e2').op('f64.lt').if();
  f.f64(0.5).get('e1').get('e2').op('f64.add').op('f64.mul').set('probe');
  f.f64(1).f64(-1).get('probe').get('w0').op('f64.gt').op('select').set('sA');
  f.f64(1).f64(-1).get('probe').f64(0).op('f64.gt').op('select').set('sL');
  f.get('a').get('sA');
  f.get('rho').get('w0').get('v').op('f64.sub').op('f64.mul');
  f.get('lambda').get('sL').op('f64.mul').op('f64.add');
  f.op('f64.mul').op('f64.add').set('c');
  f.get('c').f64(0).op('f64.gt').op('i32.eqz').if();
  f.get('w0').get('sA');
  root();
  f.op('f64.mul').op('f64.add').set('z');
  f.get('z').get('e1').op('f64.gt').get('z').get('e2').op('f64.lt').op('i32.and').if();
  clipZ();
  f.op('return');
  f.end();
  f.end();
  f.end();
  // right of e2
  f.f64(1).f64(-1).get('e2').f64(1).op('f64.add').get('w0').op('f64.gt').op('select').set('sA');
  f.get('a').get('sA');
  f.get('rho').get('w0').get('v').op('f64.sub').op('f64.mul').get('lambda').op('f64.add');
  f.op('f64.mul').op('f64.add').set('c');
  f.get('c').f64(0).op('f64.gt').op('i32.eqz').if();
  f.get('w0').get('sA');
  root();
  f.op('f64.mul').op('f64.add').set('z');
  f.get('z').get('e2').op('f64.gt').get('z').f64(Number.POSITIVE_INFINITY).op('f64.lt').op('i32.and').if();
  clipZ();
  f.op('return');
  f.end();
  f.end();
  // at a kink: the lower objective (e1 on a tie)
  const objective = (at: string) =>
    f.get(at).get('v').get('w0').get('a').get('b').get('lambda').get('rho').call('objective');
  f.get('e1').get('e2');
  objective('e1');
  objective('e2');
  f.op('f64.le').op('select').set('z');
  clipZ();
  return f;
}

/**
 * One prox pass over n names: z_i = prox(w̃_i + y_i, w0_i, a_i, b_i, λ, ρ, lo_i, hi_i); returns Σ|z_i| and
 * stores Σ_free 1/(ρ + 0.75·b_i/√|z_i − w0_i|) (1/ρ where b_i = 0) at `slope` — the names strictly inside
 * their box and off the kinks 0 and w0, as optimizer.ts `proxStep`.
 */
function passFunction(): FunctionBuilder {
  const f = new FunctionBuilder(
    'pass',
    [
      ['n', 'i32'],
      ['wr', 'i32'],
      ['y', 'i32'],
      ['w0', 'i32'],
      ['a', 'i32'],
      ['b', 'i32'],
      ['lo', 'i32'],
      ['hi', 'i32'],
      ['z', 'i32'],
      ['slope', 'i32'],
      ['lambda', 'f64'],
      ['rho', 'f64'],
    ],
    ['f64'],
  )
    .local(['ib', 'end'], 'i32')
    .local(['gross', 's', 'zi', 'w0i', 'bi', 'loi', 'hii'], 'f64');
  f.get('n').i32(3).op('i32.shl').set('end');
  f.block('done').loop('names');
  f.get('ib').get('end').op('i32.ge_u').brIf('done');
  const at = (base: string) => f.get(base).get('ib').op('i32.add').load('f64.load');
  at('w0').set('w0i');
  at('b').set('bi');
  at('lo').set('loi');
  at('hi').set('hii');
  at('wr');
  at('y');
  f.op('f64.add').get('w0i');
  at('a');
  f.get('bi').get('lambda').get('rho').get('loi').get('hii').call('prox').set('zi');
  f.get('z').get('ib').op('i32.add').get('zi').store('f64.store');
  f.get('gross').get('zi').op('f64.abs').op('f64.add').set('gross');
  // zi ≠ 0, zi ≠ w0, lo < zi < hi
  f.get('zi').f64(0).op('f64.ne').get('zi').get('w0i').op('f64.ne').op('i32.and');
  f.get('zi').get('loi').op('f64.gt').op('i32.and').get('zi').get('hii').op('f64.lt').op('i32.and');
  f.if();
  f.get('s');
  f.get('bi').f64(0).op('f64.eq').if(null, 'f64');
  f.f64(1).get('rho').op('f64.div');
  f.else();
  f.f64(1).get('rho').f64(0.75).get('bi').op('f64.mul');
  f.get('zi').get('w0i').op('f64.sub').op('f64.abs').op('f64.sqrt').op('f64.div').op('f64.add').op('f64.div');
  f.end();
  f.op('f64.add').set('s');
  f.end();
  f.get('ib').i32(8).op('i32.add').set('ib').br('names');
  f.end().end();
  f.get('slope').get('s').store('f64.store');
  f.get('gross');
  return f;
}

const kernelModule = lazyModule(() =>
  new ModuleBuilder()
    .importMemory()
    .func(rootSquaredFunction(), false)
    .func(objectiveFunction(), false)
    .func(proxFunction(), false)
    .func(passFunction()),
);

type Pass = (
  n: number,
  wr: number,
  y: number,
  w0: number,
  a: number,
  b: number,
  lo: number,
  hi: number,
  z: number,
  slope: number,
  lambda: number,
  rho: number,
) => number;

/** Per-name inputs of the prox that stay fixed through a solve. */
export interface ProxConstants {
  readonly w0: Float64Array;
  readonly linearCost: Float64Array;
  readonly impact: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/**
 * One problem's prox constants in kernel memory, with the views `wr` and `y` (the pass's inputs, written by
 * the caller) and `z` (its output).
 */
export class ProxKernel {
  readonly n: number;
  readonly wr: Float64Array;
  readonly y: Float64Array;
  readonly z: Float64Array;
  private readonly run: Pass;
  private readonly slopeView: Float64Array;
  /** −Σ_free dz_i/dλ of the last pass (≤ 0). */
  slope = 0;

  private constructor(module: WasmModule, c: ProxConstants) {
    const n = c.w0.length;
    this.n = n;
    const memory = newWasmMemory(8 * (8 * n + 1));
    this.run = instantiate(module, memory).pass as Pass;
    const f64 = new Float64Array(memory.buffer);
    const view = (j: number, len = n) => f64.subarray(j * n, j * n + len);
    this.wr = view(0);
    this.y = view(1);
    view(2).set(c.w0);
    view(3).set(c.linearCost);
    view(4).set(c.impact);
    view(5).set(c.lower);
    view(6).set(c.upper);
    this.z = view(7);
    this.slopeView = view(8, 1);
  }

  /** A kernel for these constants, or undefined where WebAssembly is unavailable (the JS pass runs). */
  static create(c: ProxConstants): ProxKernel | undefined {
    const module = kernelModule();
    return module && c.w0.length > 0 ? new ProxKernel(module, c) : undefined;
  }

  /** z = prox(wr + y) at multiplier λ and penalty ρ; returns Σ|z_i| and sets `slope`. */
  pass(lambda: number, rho: number): number {
    // byte offsets of the views, in the order the constructor lays them out
    const s = 8 * this.n;
    const gross = this.run(this.n, 0, s, 2 * s, 3 * s, 4 * s, 5 * s, 6 * s, 7 * s, 8 * s, lambda, rho);
    this.slope = -this.slopeView[0]!;
    return gross;
  }
}
