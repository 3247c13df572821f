/**
 * The fused neutralisation of one date (neutralize.ts, methods.md §1–§2) as a WebAssembly SIMD kernel, and
 * the per-thread store of the dates' FWL bases in its memory (docs/decisions/026).
 *
 * Why WebAssembly: the five passes are simple, but V8 (Node 20) reloads a typed array's data pointer and
 * length on every iteration of a loop that also stores to a typed array it cannot see, which costs 2–4× on
 * each pass over 1500 stocks; in WebAssembly the memory base is pinned and the float64 pairs go through
 * f64x2. The partial sums run in two lanes (the order of the additions differs from the scalar JS twin, by
 * rounding only).
 *
 * Kernel `neutralize(raw, N, rows, grp, m, q0, q1, w, out, sums, inv, G, k) → i32` (byte offsets):
 *   1–2. μ, σ of the non-NaN raw values (shifted by the first one, two passes);
 *   3. w_j = clip(raw[rows_j], μ ± kσ) − shift, sector sums, c = Qᵀw. Q spans col(M_D Z), which is
 *      orthogonal to every sector dummy, so Qᵀ M_D w = Qᵀ w and no demeaned copy of w is needed. The shift,
 *      a constant (in col(D), so the residual does not move), is the first complete-case stock's clipped
 *      value: it takes the level out of w, so Qᵀw and the sector sums round at the scale of the date's
 *      spread, not of its level (μ would not do: it includes the stocks that are not complete cases);
 *   4. e = w − w̄_sector − c0·q0 − c1·q1 with Σe, Σe²;
 *   5. out[rows_j] = (e_j − ē)/sd.
 * Returns m, 0 when the date is all NaN (fewer than 3 values, sd ≤ 1e-12), or −1 when the unfused path
 * must decide (a non-finite value, or NaN on a complete-case row). The stocks that are not complete cases
 * are left for the caller to set to NaN.
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
import { CROSS_SECTION_MIN_SD } from '../stats/crossSection.ts';

type Kernel = (
  raw: number,
  N: number,
  rows: number,
  grp: number,
  m: number,
  q0: number,
  q1: number,
  w: number,
  out: number,
  sums: number,
  inv: number,
  G: number,
  k: number,
) => number;

const I32_PARAMS = ['raw', 'N', 'rows', 'grp', 'm', 'q0', 'q1', 'w', 'out', 'sums', 'inv', 'G'] as const;

/** Horizontal sum of an f64x2 on the stack. */
function hsum(f: FunctionBuilder, v: string): FunctionBuilder {
  return f.get(v).lane('f64x2.extract_lane', 0).get(v).lane('f64x2.extract_lane', 1).op('f64.add');
}

/** Opens `if` on the odd tail's value v = raw[j] not being NaN (v = v), leaving v set. */
function ifRawTailIsNumber(f: FunctionBuilder): void {
  f.get('raw')
    .get('j')
    .i32(3)
    .op('i32.shl')
    .op('i32.add')
    .load('f64.load')
    .tee('v')
    .get('v')
    .op('f64.eq')
    .if();
}

function neutralizeFunction(): FunctionBuilder {
  const f = new FunctionBuilder(
    'neutralize',
    [...I32_PARAMS.map((p) => [p, 'i32'] as const), ['k', 'f64']],
    ['i32'],
  )
    .local(['i', 'j', 'end', 'p', 'g'], 'i32')
    .local(
      [
        'first',
        'sum',
        'n',
        'mu',
        'ss',
        'sigma',
        'lo',
        'hi',
        'shift',
        'v',
        'x',
        'c0',
        'c1',
        'se',
        'see',
        'me',
        'sd',
        'is',
      ],
      'f64',
    )
    .local(
      ['vFirst', 'vSum', 'vCnt', 'vV', 'vMask', 'vMu', 'vSs', 'vC0', 'vC1', 'vA', 'vB', 'vE', 'vSe', 'vSee'],
      'v128',
    );

  // 1. i = index of the first non-NaN value; none → 0 (nothing to neutralise).
  f.block('found').loop('scan');
  f.get('i').get('N').op('i32.ge_s').if().i32(0).op('return').end();
  f.get('raw').get('i').i32(3).op('i32.shl').op('i32.add').load('f64.load').tee('first');
  f.get('first').op('f64.eq').brIf('found');
  f.get('i').i32(1).op('i32.add').set('i').br('scan');
  f.end().end();
  f.get('first').op('f64x2.splat').set('vFirst');
  f.f64x2(1, 1).set('vA'); // ones
  // Pairs from i: Σ (v − first) and the count over the non-NaN lanes.
  f.get('N').get('i').op('i32.sub').i32(-2).op('i32.and').get('i').op('i32.add').set('end');
  f.get('i').set('j');
  f.block('p1done').loop('p1');
  f.get('j').get('end').op('i32.ge_s').brIf('p1done');
  f.get('raw').get('j').i32(3).op('i32.shl').op('i32.add').load('v128.load', 0, 3).tee('vV');
  f.get('vV').op('f64x2.eq').set('vMask');
  f.get('vSum')
    .get('vV')
    .get('vFirst')
    .op('f64x2.sub')
    .get('vMask')
    .op('v128.and')
    .op('f64x2.add')
    .set('vSum');
  f.get('vCnt').get('vA').get('vMask').op('v128.and').op('f64x2.add').set('vCnt');
  f.get('j').i32(2).op('i32.add').set('j').br('p1');
  f.end().end();
  hsum(f, 'vSum').set('sum');
  hsum(f, 'vCnt').set('n');
  // Odd tail.
  f.get('j').get('N').op('i32.lt_s').if();
  ifRawTailIsNumber(f);
  f.get('sum').get('v').get('first').op('f64.sub').op('f64.add').set('sum');
  f.get('n').f64(1).op('f64.add').set('n');
  f.end().end();
  f.get('n').f64(3).op('f64.lt').if().i32(0).op('return').end();
  f.get('first').get('sum').get('n').op('f64.div').op('f64.add').set('mu');
  // ±∞ or overflow: leave it to the unfused path.
  f.get('mu').get('mu').op('f64.sub').f64(0).op('f64.ne').if().i32(-1).op('return').end();

  // 2. Σ (v − μ)² over the non-NaN values.
  f.get('mu').op('f64x2.splat').set('vMu');
  f.get('i').set('j');
  f.block('p2done').loop('p2');
  f.get('j').get('end').op('i32.ge_s').brIf('p2done');
  f.get('raw').get('j').i32(3).op('i32.shl').op('i32.add').load('v128.load', 0, 3).tee('vV');
  f.get('vV').op('f64x2.eq').set('vMask');
  f.get('vV').get('vMu').op('f64x2.sub').tee('vB').get('vB').op('f64x2.mul').get('vMask').op('v128.and');
  f.get('vSs').op('f64x2.add').set('vSs');
  f.get('j').i32(2).op('i32.add').set('j').br('p2');
  f.end().end();
  hsum(f, 'vSs').set('ss');
  f.get('j').get('N').op('i32.lt_s').if();
  ifRawTailIsNumber(f);
  f.get('ss').get('v').get('mu').op('f64.sub').tee('x').get('x').op('f64.mul').op('f64.add').set('ss');
  f.end().end();
  f.get('ss').get('n').op('f64.div').op('f64.sqrt').set('sigma');
  f.get('sigma').get('sigma').op('f64.sub').f64(0).op('f64.ne').if().i32(-1).op('return').end();
  // Bounds μ ± kσ when σ > 1e-12, else none (methods.md §1).
  f.get('mu').get('k').get('sigma').op('f64.mul').op('f64.sub').f64(Number.NEGATIVE_INFINITY);
  f.get('sigma').f64(CROSS_SECTION_MIN_SD).op('f64.gt').op('select').set('lo');
  f.get('mu').get('k').get('sigma').op('f64.mul').op('f64.add').f64(Number.POSITIVE_INFINITY);
  f.get('sigma').f64(CROSS_SECTION_MIN_SD).op('f64.gt').op('select').set('hi');
  // The shift: the first complete-case stock's clipped value (see the module comment).
  f.get('raw').get('rows').load('i32.load').i32(3).op('i32.shl').op('i32.add').load('f64.load');
  f.get('lo').op('f64.max').get('hi').op('f64.min').set('shift');

  f.get('sums').i32(0).get('G').i32(3).op('i32.shl').op('memory.fill');
  f.get('m').i32(-2).op('i32.and').set('end');
  f.i32(0).set('j');
  f.get('m').get('N').op('i32.eq').if();
  // 3. Every stock is a complete case (rows is the identity): clip, shift, c = Qᵀw in pairs, the sector
  // sums lane by lane; the odd tail as in the general path.
  f.get('lo').op('f64x2.splat').set('vMu');
  f.get('hi').op('f64x2.splat').set('vSs');
  f.get('shift').op('f64x2.splat').set('vFirst');
  f.block('p3idone').loop('p3i');
  f.get('j').get('end').op('i32.ge_s').brIf('p3idone');
  f.get('j').i32(3).op('i32.shl').set('p');
  f.get('raw')
    .get('p')
    .op('i32.add')
    .load('v128.load', 0, 3)
    .get('vMu')
    .op('f64x2.max')
    .get('vSs')
    .op('f64x2.min');
  f.get('vFirst').op('f64x2.sub').set('vV');
  f.get('w').get('p').op('i32.add').get('vV').store('v128.store', 0, 3);
  f.get('vC0')
    .get('q0')
    .get('p')
    .op('i32.add')
    .load('v128.load', 0, 3)
    .get('vV')
    .op('f64x2.mul')
    .op('f64x2.add');
  f.set('vC0');
  f.get('vC1')
    .get('q1')
    .get('p')
    .op('i32.add')
    .load('v128.load', 0, 3)
    .get('vV')
    .op('f64x2.mul')
    .op('f64x2.add');
  f.set('vC1');
  for (const lane of [0, 1]) {
    f.get('sums')
      .get('grp')
      .get('j')
      .i32(2)
      .op('i32.shl')
      .op('i32.add')
      .load('i32.load', 4 * lane)
      .i32(3);
    f.op('i32.shl')
      .op('i32.add')
      .tee('g')
      .get('g')
      .load('f64.load')
      .get('vV')
      .lane('f64x2.extract_lane', lane);
    f.op('f64.add').store('f64.store');
  }
  f.get('j').i32(2).op('i32.add').set('j').br('p3i');
  f.end().end();
  f.get('j').get('m').op('i32.lt_s').if();
  f.get('raw').get('j').i32(3).op('i32.shl').op('i32.add').load('f64.load');
  f.get('lo').op('f64.max').get('hi').op('f64.min').get('shift').op('f64.sub').set('x');
  f.get('w').get('j').i32(3).op('i32.shl').op('i32.add').get('x').store('f64.store');
  f.get('sums').get('grp').get('j').i32(2).op('i32.shl').op('i32.add').load('i32.load').i32(3).op('i32.shl');
  f.op('i32.add').tee('p').get('p').load('f64.load').get('x').op('f64.add').store('f64.store');
  f.end();
  f.else();
  // 3a. w_j = clip(raw[rows_j]) − shift and the sector sums (scalar: a gather and a scatter-add).
  f.i32(0).set('j');
  f.block('p3done').loop('p3');
  f.get('j').get('m').op('i32.ge_s').brIf('p3done');
  f.get('raw').get('rows').get('j').i32(2).op('i32.shl').op('i32.add').load('i32.load').i32(3).op('i32.shl');
  f.op('i32.add').load('f64.load');
  // min/max propagate NaN, so a hole reaches c0 below.
  f.get('lo').op('f64.max').get('hi').op('f64.min').get('shift').op('f64.sub').set('x');
  f.get('w').get('j').i32(3).op('i32.shl').op('i32.add').get('x').store('f64.store');
  f.get('sums').get('grp').get('j').i32(2).op('i32.shl').op('i32.add').load('i32.load').i32(3).op('i32.shl');
  f.op('i32.add').tee('p').get('p').load('f64.load').get('x').op('f64.add').store('f64.store');
  f.get('j').i32(1).op('i32.add').set('j').br('p3');
  f.end().end();
  // 3b. c = Qᵀw (pairs; the odd tail below).
  f.i32(0).set('j');
  f.block('p3bdone').loop('p3b');
  f.get('j').get('end').op('i32.ge_s').brIf('p3bdone');
  f.get('j').i32(3).op('i32.shl').set('p');
  f.get('w').get('p').op('i32.add').load('v128.load', 0, 3).set('vV');
  f.get('vC0')
    .get('q0')
    .get('p')
    .op('i32.add')
    .load('v128.load', 0, 3)
    .get('vV')
    .op('f64x2.mul')
    .op('f64x2.add')
    .set('vC0');
  f.get('vC1')
    .get('q1')
    .get('p')
    .op('i32.add')
    .load('v128.load', 0, 3)
    .get('vV')
    .op('f64x2.mul')
    .op('f64x2.add')
    .set('vC1');
  f.get('j').i32(2).op('i32.add').set('j').br('p3b');
  f.end().end();
  f.end();

  hsum(f, 'vC0').set('c0');
  hsum(f, 'vC1').set('c1');
  f.get('j').get('m').op('i32.lt_s').if();
  f.get('j').i32(3).op('i32.shl').set('p');
  f.get('w').get('p').op('i32.add').load('f64.load').set('x');
  f.get('c0')
    .get('q0')
    .get('p')
    .op('i32.add')
    .load('f64.load')
    .get('x')
    .op('f64.mul')
    .op('f64.add')
    .set('c0');
  f.get('c1')
    .get('q1')
    .get('p')
    .op('i32.add')
    .load('f64.load')
    .get('x')
    .op('f64.mul')
    .op('f64.add')
    .set('c1');
  f.end();
  // A NaN on a complete-case row (0·NaN is NaN, so even a zero basis row carries it).
  f.get('c0')
    .get('c0')
    .op('f64.ne')
    .get('c1')
    .get('c1')
    .op('f64.ne')
    .op('i32.or')
    .if()
    .i32(-1)
    .op('return')
    .end();
  // Sector means.
  f.i32(0).set('g');
  f.block('gdone').loop('gl');
  f.get('g').get('G').op('i32.ge_s').brIf('gdone');
  f.get('sums').get('g').i32(3).op('i32.shl').op('i32.add').tee('p');
  f.get('p').load('f64.load').get('inv').get('g').i32(3).op('i32.shl').op('i32.add').load('f64.load');
  f.op('f64.mul').store('f64.store');
  f.get('g').i32(1).op('i32.add').set('g').br('gl');
  f.end().end();

  // 4. e = ((w − w̄_g) − c0·q0) − c1·q1 in place, Σe and Σe² (pairs, then the odd tail).
  f.get('c0').op('f64x2.splat').set('vC0');
  f.get('c1').op('f64x2.splat').set('vC1');
  f.i32(0).set('j');
  f.block('p4done').loop('p4');
  f.get('j').get('end').op('i32.ge_s').brIf('p4done');
  f.get('j').i32(3).op('i32.shl').set('p');
  // The two sector means as a pair.
  f.get('sums').get('grp').get('j').i32(2).op('i32.shl').op('i32.add').tee('g').load('i32.load').i32(3);
  f.op('i32.shl').op('i32.add').load('v128.load64_splat');
  f.get('sums').get('g').load('i32.load', 4).i32(3).op('i32.shl').op('i32.add').load('f64.load');
  f.lane('f64x2.replace_lane', 1).set('vA');
  f.get('w').get('p').op('i32.add').load('v128.load', 0, 3).get('vA').op('f64x2.sub');
  f.get('vC0').get('q0').get('p').op('i32.add').load('v128.load', 0, 3).op('f64x2.mul').op('f64x2.sub');
  f.get('vC1')
    .get('q1')
    .get('p')
    .op('i32.add')
    .load('v128.load', 0, 3)
    .op('f64x2.mul')
    .op('f64x2.sub')
    .set('vE');
  f.get('w').get('p').op('i32.add').get('vE').store('v128.store', 0, 3);
  f.get('vSe').get('vE').op('f64x2.add').set('vSe');
  f.get('vSee').get('vE').get('vE').op('f64x2.mul').op('f64x2.add').set('vSee');
  f.get('j').i32(2).op('i32.add').set('j').br('p4');
  f.end().end();
  hsum(f, 'vSe').set('se');
  hsum(f, 'vSee').set('see');
  f.get('j').get('m').op('i32.lt_s').if();
  f.get('j').i32(3).op('i32.shl').set('p');
  f.get('w').get('p').op('i32.add').load('f64.load');
  f.get('sums').get('grp').get('j').i32(2).op('i32.shl').op('i32.add').load('i32.load').i32(3).op('i32.shl');
  f.op('i32.add').load('f64.load').op('f64.sub');
  f.get('c0').get('q0').get('p').op('i32.add').load('f64.load').op('f64.mul').op('f64.sub');
  f.get('c1').get('q1').get('p').op('i32.add').load('f64.load').op('f64.mul').op('f64.sub').set('x');
  f.get('w').get('p').op('i32.add').get('x').store('f64.store');
  f.get('se').get('x').op('f64.add').set('se');
  f.get('see').get('x').get('x').op('f64.mul').op('f64.add').set('see');
  f.end();
  // e ⟂ col(D) ∋ 1, so ē is 0 up to rounding and Σe²/m − ē² does not cancel.
  f.get('m').op('f64.convert_i32_s').set('n');
  f.get('se').get('n').op('f64.div').set('me');
  f.f64(0).get('see').get('n').op('f64.div').get('me').get('me').op('f64.mul').op('f64.sub').op('f64.max');
  f.op('f64.sqrt').set('sd');
  f.get('m')
    .i32(2)
    .op('i32.lt_s')
    .get('sd')
    .f64(CROSS_SECTION_MIN_SD)
    .op('f64.gt')
    .op('i32.eqz')
    .op('i32.or');
  f.if().i32(0).op('return').end();

  // 5. out[rows_j] = (e_j − ē)·(1/sd). When every stock is a complete case (m = N) rows is the identity
  // and the pairs are stored as they are; the odd tail and partial dates scatter one by one below.
  f.f64(1).get('sd').op('f64.div').set('is');
  f.i32(0).set('j');
  f.get('m').get('N').op('i32.eq').if();
  f.get('me').op('f64x2.splat').set('vA');
  f.get('is').op('f64x2.splat').set('vB');
  f.block('p5vdone').loop('p5v');
  f.get('j').get('end').op('i32.ge_s').brIf('p5vdone');
  f.get('j').i32(3).op('i32.shl').set('p');
  f.get('out').get('p').op('i32.add');
  f.get('w')
    .get('p')
    .op('i32.add')
    .load('v128.load', 0, 3)
    .get('vA')
    .op('f64x2.sub')
    .get('vB')
    .op('f64x2.mul');
  f.store('v128.store', 0, 3);
  f.get('j').i32(2).op('i32.add').set('j').br('p5v');
  f.end().end();
  f.end();
  f.block('p5done').loop('p5');
  f.get('j').get('m').op('i32.ge_s').brIf('p5done');
  f.get('out').get('rows').get('j').i32(2).op('i32.shl').op('i32.add').load('i32.load').i32(3).op('i32.shl');
  f.op('i32.add');
  f.get('w').get('j').i32(3).op('i32.shl').op('i32.add').load('f64.load').get('me').op('f64.sub').get('is');
  f.op('f64.mul').store('f64.store');
  f.get('j').i32(1).op('i32.add').set('j').br('p5');
  f.end().end();
  f.get('m');
  return f;
}

/** The compiled module, or null where WebAssembly SIMD is unavailable (neutralize.ts keeps a JS path). */
const kernelModule = lazyModule(() => new ModuleBuilder().importMemory().func(neutralizeFunction()));

/** One date's basis in the kernel memory (byte offsets), or null for a skipped date. */
export interface StoredDateBasis {
  readonly m: number;
  readonly rows: number;
  readonly grp: number;
  readonly q0: number;
  readonly q1: number;
  readonly inv: number;
  readonly G: number;
  /** Stocks that are not complete cases (NaN output). */
  readonly incompleteRows: Int32Array;
}

/** What a date's residualiser hands over (the pieces of `CrossSectionResidualizer.basis()`). */
export interface DateBasisParts {
  readonly rows: Int32Array;
  readonly rowGroup: Int32Array;
  readonly incompleteRows: Int32Array;
  readonly invGroupSize: Float64Array;
  readonly q: readonly Float64Array[];
}

const align16 = (n: number) => Math.ceil(n / 16) * 16;

/**
 * A kernel instance for one context of N stocks in one thread: scratch rows (raw, w, out, sector sums) and a
 * bump-allocated store of the dates' bases (q0, q1 and, for a date whose complete cases are not all
 * stocks, its rows and sectors; a full date shares the identity rows and the sector column).
 */
export class NeutralizeKernel {
  readonly N: number;
  private readonly memory: WasmMemory;
  private readonly run: Kernel;
  private f64: Float64Array;
  private i32: Int32Array;
  private readonly rawAt: number;
  private readonly wAt: number;
  private readonly outAt: number;
  private readonly sumsAt: number;
  private readonly identityAt: number;
  private readonly sectorAt: number;
  private readonly sectorOf: Int32Array;
  private top: number;
  /** Views of the scratch rows (refreshed when the memory grows). */
  raw: Float64Array;
  out: Float64Array;

  private constructor(module: WasmModule, N: number, sectorOf: Int32Array, G: number, dates: number) {
    this.N = N;
    this.sectorOf = sectorOf;
    const row = align16(8 * N + 16);
    this.rawAt = 0;
    this.wAt = row;
    this.outAt = 2 * row;
    this.sumsAt = 3 * row;
    this.identityAt = this.sumsAt + align16(8 * G + 8);
    this.sectorAt = this.identityAt + align16(4 * N + 8);
    this.top = this.sectorAt + align16(4 * N + 8);
    // Room for every date's two basis columns and inverse sector sizes; partial dates grow it.
    const want = this.top + dates * (2 * row + align16(8 * G));
    this.memory = newWasmMemory(want);
    this.run = instantiate(module, this.memory).neutralize as Kernel;
    this.f64 = new Float64Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
    this.raw = this.f64.subarray(0, N);
    this.out = this.f64.subarray(this.outAt / 8, this.outAt / 8 + N);
    for (let i = 0; i < N; i++) {
      this.i32[this.identityAt / 4 + i] = i;
      this.i32[this.sectorAt / 4 + i] = sectorOf[i]!;
    }
  }

  /** A kernel, or undefined where WebAssembly SIMD is unavailable. */
  static create(N: number, sectorOf: Int32Array, G: number, dates: number): NeutralizeKernel | undefined {
    const module = kernelModule();
    return module ? new NeutralizeKernel(module, N, sectorOf, G, dates) : undefined;
  }

  private reserve(bytes: number): number {
    const at = this.top;
    this.top += align16(bytes);
    if (ensureWasmMemory(this.memory, this.top)) {
      this.f64 = new Float64Array(this.memory.buffer);
      this.i32 = new Int32Array(this.memory.buffer);
      this.raw = this.f64.subarray(0, this.N);
      this.out = this.f64.subarray(this.outAt / 8, this.outAt / 8 + this.N);
    }
    return at;
  }

  /** Copies a date's basis into the store (at most two basis vectors; the missing ones are zero). */
  store(parts: DateBasisParts): StoredDateBasis {
    const { rows, rowGroup, invGroupSize, q } = parts;
    const m = rows.length;
    // More than two regressors: the caller's JS path handles the date (q0 = −1 says so).
    if (q.length > 2)
      return { m, rows: -1, grp: -1, q0: -1, q1: -1, inv: -1, G: 0, incompleteRows: parts.incompleteRows };
    const G = invGroupSize.length;
    const q0 = this.reserve(8 * m + 16);
    const q1 = this.reserve(8 * m + 16);
    const inv = this.reserve(8 * G);
    if (q[0]) this.f64.set(q[0], q0 / 8);
    if (q[1]) this.f64.set(q[1], q1 / 8);
    this.f64.set(invGroupSize, inv / 8);
    let full = m === this.N;
    for (let j = 0; full && j < m; j++) full = rowGroup[j] === this.sectorOf[j];
    let rowsAt = this.identityAt;
    let grpAt = this.sectorAt;
    if (!full) {
      rowsAt = this.reserve(4 * m + 8);
      grpAt = this.reserve(4 * m + 8);
      this.i32.set(rows, rowsAt / 4);
      this.i32.set(rowGroup, grpAt / 4);
    }
    return { m, rows: rowsAt, grp: grpAt, q0, q1, inv, G, incompleteRows: parts.incompleteRows };
  }

  /**
   * Neutralises the row in `raw` (the view) with a stored basis into `out` (the view). Returns the count,
   * 0 for an all-NaN date (out is not written), −1 when the unfused path must decide.
   */
  neutralize(b: StoredDateBasis, k: number): number {
    return this.run(
      this.rawAt,
      this.N,
      b.rows,
      b.grp,
      b.m,
      b.q0,
      b.q1,
      this.wAt,
      this.outAt,
      this.sumsAt,
      b.inv,
      b.G,
      k,
    );
  }
}
