/**
 * The common row of a streamed trailing-window signal (raw-stream.ts) as a WebAssembly f64x2 kernel: add
 * the entering input value to the window sums, remove the leaving one, take the mean or standard deviation,
 * sign it and EWMA-smooth it, two stocks per instruction (docs/decisions/026).
 *
 * Every stock's arithmetic is the scalar stream's, operation for operation (lanes are stocks, nothing is
 * summed across them), so a row is the same to the bit as `rollingMomentsKernel` + shift + sign +
 * `ewmaSmoothInPlace` (test/signals/raw-stream.test.ts). NaN tests become lane masks: a missing value adds
 * an exact 0 to the sums and a 0 to the count.
 */
import {
  FunctionBuilder,
  instantiate,
  lazyModule,
  ModuleBuilder,
  newWasmMemory,
  type WasmModule,
} from '../core/wasm.ts';

/** Column order in the kernel memory: float64 columns of `stride` bytes from byte 0. */
export const STREAM_COLUMNS = ['n', 's1', 's2', 'shift', 'num', 'den', 'row', 'xNew', 'xOld'] as const;
export type StreamColumn = (typeof STREAM_COLUMNS)[number];

type SlideMean = (
  stride: number,
  pairs: number,
  hasOld: number,
  minObs: number,
  sign: number,
  lambda: number,
) => void;

/**
 * slideMean / slideStd (stride, pairs, hasOld, minObs, sign, lambda). Per stock: restart the shift at the
 * first value of an empty window, add the new value, remove the old one (if hasOld) — as stats
 * `slideWindowSums` does, the mean without Σd² —, then y = n < minObs ? NaN : the statistic
 * (`windowStatRow`: shift + s1/n, or √(max(0, s2 − s1²/n)/(n − 1)) with NaN for n ≤ 1), y ·= sign, and where
 * λ > 0: y = (λ·num + y)/(λ·den + 1) where y is a number (num, den only decay where it is NaN).
 */
function slideFunction(stat: 'mean' | 'std'): FunctionBuilder {
  const std = stat === 'std';
  const f = new FunctionBuilder(std ? 'slideStd' : 'slideMean', [
    ['stride', 'i32'],
    ['pairs', 'i32'],
    ['hasOld', 'i32'],
    ['minObs', 'f64'],
    ['sign', 'f64'],
    ['lambda', 'f64'],
  ])
    .local(['p', 'end'], 'i32')
    .local([...STREAM_COLUMNS.map((c) => `at_${c}`)], 'i32')
    .local(
      [
        'one',
        'zero',
        'nan',
        'vMin',
        'vSign',
        'vLam',
        'smooth',
        'v',
        'ok',
        'c',
        'sum',
        'sq',
        'c0',
        'd',
        'y',
        'a',
        'b',
      ],
      'v128',
    );
  STREAM_COLUMNS.forEach((c, k) => {
    f.get('stride').i32(k).op('i32.mul').set(`at_${c}`);
  });
  const at = (c: StreamColumn) => f.get(`at_${c}`).get('p').op('i32.add');
  f.f64x2(1, 1).set('one');
  f.f64x2(Number.NaN, Number.NaN).set('nan');
  f.get('minObs').op('f64x2.splat').set('vMin');
  f.get('sign').op('f64x2.splat').set('vSign');
  f.get('lambda').op('f64x2.splat').set('vLam');
  // smooth: all lanes set when λ > 0 (untyped select works on v128).
  f.i32(-1).op('i32x4.splat').get('zero').get('lambda').f64(0).op('f64.gt').op('select').set('smooth');
  f.get('pairs').i32(4).op('i32.shl').set('end');
  f.block('done').loop('next');
  f.get('p').get('end').op('i32.ge_u').brIf('done');
  // The entering value; an empty window restarts its shift (and sums) there.
  at('xNew').load('v128.load').tee('v').get('v').op('f64x2.eq').set('ok');
  at('n').load('v128.load').set('c');
  at('s1').load('v128.load').set('sum');
  if (std) at('s2').load('v128.load').set('sq');
  at('shift').load('v128.load').set('c0');
  f.get('c').get('zero').op('f64x2.eq').get('ok').op('v128.and').set('a'); // restart mask
  f.get('v').get('c0').get('a').op('v128.bitselect').set('c0');
  f.get('zero').get('sum').get('a').op('v128.bitselect').set('sum');
  if (std) f.get('zero').get('sq').get('a').op('v128.bitselect').set('sq');
  // d = v − shift on the lanes with a value, 0 elsewhere (adding an exact 0 leaves a sum as it is).
  f.get('v').get('c0').op('f64x2.sub').get('ok').op('v128.and').set('d');
  f.get('c').get('one').get('ok').op('v128.and').op('f64x2.add').set('c');
  f.get('sum').get('d').op('f64x2.add').set('sum');
  if (std) f.get('sq').get('d').get('d').op('f64x2.mul').op('f64x2.add').set('sq');
  // The leaving value.
  f.get('hasOld').if();
  at('xOld').load('v128.load').tee('v').get('v').op('f64x2.eq').set('ok');
  f.get('v').get('c0').op('f64x2.sub').get('ok').op('v128.and').set('d');
  f.get('c').get('one').get('ok').op('v128.and').op('f64x2.sub').set('c');
  f.get('sum').get('d').op('f64x2.sub').set('sum');
  if (std) f.get('sq').get('d').get('d').op('f64x2.mul').op('f64x2.sub').set('sq');
  f.end();
  at('n').get('c').store('v128.store');
  at('s1').get('sum').store('v128.store');
  if (std) at('s2').get('sq').store('v128.store');
  at('shift').get('c0').store('v128.store');
  if (std) {
    // √(max(0, s2 − s1²/n)/(n − 1)), NaN for n ≤ 1
    f.get('zero').get('sq').get('sum').get('sum').op('f64x2.mul').get('c').op('f64x2.div').op('f64x2.sub');
    f.op('f64x2.max').get('c').get('one').op('f64x2.sub').op('f64x2.div');
    f.get('nan').get('c').get('one').op('f64x2.gt').op('v128.bitselect').op('f64x2.sqrt');
  } else {
    f.get('c0').get('sum').get('c').op('f64x2.div').op('f64x2.add');
  }
  // y = sign · (n < minObs ? NaN : statistic)
  f.get('nan').get('c').get('vMin').op('f64x2.ge').op('v128.bitselect').get('vSign').op('f64x2.mul').tee('y');
  f.get('y').op('f64x2.eq').set('ok');
  // EWMA: a = λ·num + y, b = λ·den + 1 where y is a number; otherwise both only decay.
  at('num').load('v128.load').get('vLam').op('f64x2.mul').get('y').get('ok').op('v128.and').op('f64x2.add');
  f.set('a');
  at('den').load('v128.load').get('vLam').op('f64x2.mul').get('one').get('ok').op('v128.and').op('f64x2.add');
  f.set('b');
  at('num').get('a').store('v128.store');
  at('den').get('b').store('v128.store');
  at('row');
  f.get('a').get('b').op('f64x2.div').get('nan').get('ok').op('v128.bitselect');
  f.get('y').get('smooth').op('v128.bitselect').store('v128.store');
  f.get('p').i32(16).op('i32.add').set('p').br('next');
  f.end().end();
  return f;
}

/**
 * accumulate(stride, pairs): adds the xNew column to the window sums around the given shifts, as stats
 * `rebaseWindowSums` adds each row of a rebase (n + 1, s1 + d, s2 + d² where the value is a number; an
 * exact 0 is added elsewhere).
 */
function accumulateFunction(): FunctionBuilder {
  const f = new FunctionBuilder('accumulate', [
    ['stride', 'i32'],
    ['pairs', 'i32'],
  ])
    .local(['p', 'end'], 'i32')
    .local([...STREAM_COLUMNS.map((c) => `at_${c}`)], 'i32')
    .local(['one', 'v', 'ok', 'd'], 'v128');
  STREAM_COLUMNS.forEach((c, k) => {
    f.get('stride').i32(k).op('i32.mul').set(`at_${c}`);
  });
  const at = (c: StreamColumn) => f.get(`at_${c}`).get('p').op('i32.add');
  f.f64x2(1, 1).set('one');
  f.get('pairs').i32(4).op('i32.shl').set('end');
  f.block('done').loop('next');
  f.get('p').get('end').op('i32.ge_u').brIf('done');
  at('xNew').load('v128.load').tee('v').get('v').op('f64x2.eq').set('ok');
  // d = v − shift where v is a number, else 0.
  f.get('v');
  at('shift').load('v128.load').op('f64x2.sub').get('ok').op('v128.and').set('d');
  at('n');
  at('n').load('v128.load').get('one').get('ok').op('v128.and').op('f64x2.add').store('v128.store');
  at('s1');
  at('s1').load('v128.load').get('d').op('f64x2.add').store('v128.store');
  at('s2');
  at('s2').load('v128.load').get('d').get('d').op('f64x2.mul').op('f64x2.add').store('v128.store');
  f.get('p').i32(16).op('i32.add').set('p').br('next');
  f.end().end();
  return f;
}

const kernelModule = lazyModule(() =>
  new ModuleBuilder()
    .importMemory()
    .func(slideFunction('mean'))
    .func(slideFunction('std'))
    .func(accumulateFunction()),
);

/** Tests set this to run the scalar JS stream on machines that have SIMD. */
export const streamKernelOptions = { forceJs: false };

/**
 * The stream's columns in a WebAssembly memory and its slide kernel (mean or standard deviation), or
 * undefined where WebAssembly SIMD is unavailable (the stream then keeps its columns in ordinary arrays
 * and slides in JS).
 */
export class SlideKernel {
  readonly columns: Readonly<Record<StreamColumn, Float64Array>>;
  private readonly stride: number;
  private readonly pairs: number;
  private readonly run: SlideMean;
  private readonly add: (stride: number, pairs: number) => void;

  private constructor(module: WasmModule, N: number, stat: 'mean' | 'std') {
    this.pairs = Math.ceil(N / 2);
    this.stride = this.pairs * 16;
    const memory = newWasmMemory(this.stride * STREAM_COLUMNS.length);
    const exports = instantiate(module, memory);
    this.run = (stat === 'mean' ? exports.slideMean : exports.slideStd) as SlideMean;
    this.add = exports.accumulate as (stride: number, pairs: number) => void;
    const cols = {} as Record<StreamColumn, Float64Array>;
    STREAM_COLUMNS.forEach((c, k) => {
      cols[c] = new Float64Array(memory.buffer, k * this.stride, N);
    });
    this.columns = cols;
  }

  static create(N: number, stat: 'mean' | 'std'): SlideKernel | undefined {
    const module = streamKernelOptions.forceJs ? null : kernelModule();
    return module ? new SlideKernel(module, N, stat) : undefined;
  }

  /** Adds the row copied into xNew to the window sums (a rebase row; the shifts must be set). */
  accumulate(): void {
    this.add(this.stride, this.pairs);
  }

  /** One row: xNew (and xOld when `hasOld`) must have been copied into their columns. */
  slide(hasOld: boolean, minObs: number, sign: number, lambda: number): void {
    this.run(this.stride, this.pairs, hasOld ? 1 : 0, minObs, sign, lambda);
  }
}
