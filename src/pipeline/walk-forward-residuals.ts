/**
 * The Fama–MacBeth cross-sections' residuals of the dates a window can still use, in a ring of dense rows, and
 * their per-asset moments over a window (Σe, Σe², count: what D needs, methods.md §6) summed in date order
 * (docs/decisions/161-walk-forward-factor-model-kernels.md).
 *
 * A row holds all N assets: the residual of an asset that entered that date's regression, else +0, with a
 * 0/1 flag. Adding +0 and +0·+0 is an exact no-op on a sum that starts at +0 (such a sum is never −0), so
 * the sums equal fitFamaMacBeth's, which skips the assets that did not enter. The sums run in WebAssembly,
 * eight assets per pass in f64x2 and i32x4 lanes — each asset's additions in date order, so the same bits as
 * the JS twin (`momentsJs`, the path without WebAssembly SIMD). At full size a rebalance sums ≈ 500 dates ×
 * 1500 assets; in JS that was ≈ 0.4 s of the main thread per run.
 */
import {
  FunctionBuilder,
  instantiate,
  lazyModule,
  ModuleBuilder,
  newWasmMemory,
  type WasmMemory,
} from '../core/wasm.ts';

/** Assets per pass of the kernel (rows are padded to a multiple of it with zeros). */
const LANES = 8;

/**
 * moments(e, m, rowE, rowM, list, count, n, sum, sumSq, cnt): for every asset i < n (n a multiple of 8),
 * Σ e[slot][i], Σ e[slot][i]², Σ m[slot][i] over the `count` slots listed (i32) at `list`, in list order,
 * into sum/sumSq (f64) and cnt (i32). e rows are rowE bytes apart, m rows rowM bytes.
 */
function momentsFunction(): FunctionBuilder {
  const f = new FunctionBuilder('moments', [
    ['e', 'i32'],
    ['m', 'i32'],
    ['rowE', 'i32'],
    ['rowM', 'i32'],
    ['list', 'i32'],
    ['count', 'i32'],
    ['n', 'i32'],
    ['sum', 'i32'],
    ['sumSq', 'i32'],
    ['cnt', 'i32'],
  ])
    .local(['i', 'k', 'slot', 'pe', 'pm'], 'i32')
    .local(['s0', 's1', 's2', 's3', 'q0', 'q1', 'q2', 'q3', 'c0', 'c1', 'v'], 'v128');
  const zero = ['s0', 's1', 's2', 's3', 'q0', 'q1', 'q2', 'q3', 'c0', 'c1'];
  f.block('done').loop('block');
  f.get('i').get('n').op('i32.ge_s').brIf('done');
  for (const z of zero) f.i32x4(0, 0, 0, 0).set(z);
  f.i32(0).set('k');
  f.block('datesDone').loop('dates');
  f.get('k').get('count').op('i32.ge_s').brIf('datesDone');
  f.get('list').get('k').i32(2).op('i32.shl').op('i32.add').load('i32.load').set('slot');
  // pe = e + slot·rowE + 8i, pm = m + slot·rowM + 4i
  f.get('e').get('slot').get('rowE').op('i32.mul').op('i32.add').get('i').i32(3).op('i32.shl');
  f.op('i32.add').set('pe');
  f.get('m').get('slot').get('rowM').op('i32.mul').op('i32.add').get('i').i32(2).op('i32.shl');
  f.op('i32.add').set('pm');
  ['s0', 's1', 's2', 's3'].forEach((s, q) => {
    f.get('pe')
      .load('v128.load', 16 * q, 3)
      .set('v');
    f.get(s).get('v').op('f64x2.add').set(s);
    f.get(`q${q}`).get('v').get('v').op('f64x2.mul').op('f64x2.add').set(`q${q}`);
  });
  f.get('c0').get('pm').load('v128.load', 0, 2).op('i32x4.add').set('c0');
  f.get('c1').get('pm').load('v128.load', 16, 2).op('i32x4.add').set('c1');
  f.get('k').i32(1).op('i32.add').set('k').br('dates');
  f.end().end();
  ['s0', 's1', 's2', 's3'].forEach((s, q) => {
    f.get('sum')
      .get('i')
      .i32(3)
      .op('i32.shl')
      .op('i32.add')
      .get(s)
      .store('v128.store', 16 * q, 3);
    f.get('sumSq')
      .get('i')
      .i32(3)
      .op('i32.shl')
      .op('i32.add')
      .get(`q${q}`)
      .store('v128.store', 16 * q, 3);
  });
  f.get('cnt').get('i').i32(2).op('i32.shl').op('i32.add').get('c0').store('v128.store', 0, 2);
  f.get('cnt').get('i').i32(2).op('i32.shl').op('i32.add').get('c1').store('v128.store', 16, 2);
  f.get('i').i32(LANES).op('i32.add').set('i').br('block');
  f.end().end();
  return f;
}

const momentsModule = lazyModule(() => new ModuleBuilder().importMemory().func(momentsFunction()));

type MomentsFn = (
  e: number,
  m: number,
  rowE: number,
  rowM: number,
  list: number,
  count: number,
  n: number,
  sum: number,
  sumSq: number,
  cnt: number,
) => void;

/** Per-asset residual moments over a window, as assembleFactorModel takes them. */
export interface ResidualMoments {
  readonly epsSum: Float64Array;
  readonly epsSumSq: Float64Array;
  readonly epsCount: Int32Array;
}

/** Tests set this to run the JS twin on engines that have SIMD. */
export const residualRingOptions = { forceJs: false };

export class ResidualRing {
  private readonly stride: number;
  private readonly slotDate: Int32Array;
  private readonly memory: WasmMemory | undefined;
  private readonly kernel: MomentsFn | undefined;
  private readonly buffer: ArrayBuffer;
  private readonly eAt: number;
  private readonly mAt: number;
  private readonly listAt: number;
  private readonly outAt: number;

  /** A ring of `slots` rows of N assets (a window of up to `slots` dates). */
  constructor(
    private readonly N: number,
    private readonly slots: number,
  ) {
    const stride = Math.ceil(N / LANES) * LANES;
    this.stride = stride;
    this.slotDate = new Int32Array(slots).fill(-1);
    this.eAt = 0;
    this.mAt = slots * stride * 8;
    this.listAt = this.mAt + slots * stride * 4;
    this.outAt = this.listAt + Math.ceil((slots * 4) / 16) * 16;
    const bytes = this.outAt + stride * 20;
    const mod = residualRingOptions.forceJs ? null : momentsModule();
    if (mod) {
      this.memory = newWasmMemory(bytes);
      this.kernel = instantiate(mod, this.memory).moments as MomentsFn;
      this.buffer = this.memory.buffer;
    } else this.buffer = new ArrayBuffer(bytes);
  }

  /** Whether date t's row is in the ring. */
  holds(t: number): boolean {
    return this.slotDate[t % this.slots] === t;
  }

  /** Date t's row, cleared (residuals +0, flags 0), for the caller to fill; it replaces date t − slots. */
  row(t: number): { readonly e: Float64Array; readonly entered: Int32Array } {
    const slot = t % this.slots;
    this.slotDate[slot] = t;
    const e = new Float64Array(this.buffer, this.eAt + slot * this.stride * 8, this.stride).fill(0);
    const entered = new Int32Array(this.buffer, this.mAt + slot * this.stride * 4, this.stride).fill(0);
    return { e, entered };
  }

  /** The moments over the rows of `dates` (each held), added in the order given. */
  moments(dates: readonly number[]): ResidualMoments {
    const { N, stride } = this;
    const list = new Int32Array(this.buffer, this.listAt, dates.length);
    dates.forEach((t, k) => {
      list[k] = t % this.slots;
    });
    const sum = new Float64Array(this.buffer, this.outAt, stride);
    const sumSq = new Float64Array(this.buffer, this.outAt + stride * 8, stride);
    const cnt = new Int32Array(this.buffer, this.outAt + stride * 16, stride);
    if (this.kernel) {
      this.kernel(
        this.eAt,
        this.mAt,
        stride * 8,
        stride * 4,
        this.listAt,
        dates.length,
        stride,
        this.outAt,
        this.outAt + stride * 8,
        this.outAt + stride * 16,
      );
    } else this.momentsJs(list, sum, sumSq, cnt);
    return { epsSum: sum.slice(0, N), epsSumSq: sumSq.slice(0, N), epsCount: cnt.slice(0, N) };
  }

  /** The JS twin of the kernel: each asset's sums in list order. */
  private momentsJs(list: Int32Array, sum: Float64Array, sumSq: Float64Array, cnt: Int32Array): void {
    const { stride } = this;
    sum.fill(0);
    sumSq.fill(0);
    cnt.fill(0);
    for (const slot of list) {
      const e = new Float64Array(this.buffer, this.eAt + slot * stride * 8, stride);
      const m = new Int32Array(this.buffer, this.mAt + slot * stride * 4, stride);
      for (let i = 0; i < stride; i++) {
        const x = e[i]!;
        sum[i]! += x;
        sumSq[i]! += x * x;
        cnt[i]! += m[i]!;
      }
    }
  }
}
