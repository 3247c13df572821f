import { describe, expect, it } from 'vitest';
import {
  FunctionBuilder,
  instantiate,
  ModuleBuilder,
  newWasmMemory,
  sleb,
  uleb,
  wasmApi,
} from '../../src/core/wasm.ts';

describe('LEB128', () => {
  it('encodes the spec examples', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb(2 ** 32 - 1)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(sleb(0)).toEqual([0]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-65)).toEqual([0xbf, 0x7f]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(() => uleb(-1)).toThrow(RangeError);
  });
});

describe('FunctionBuilder / ModuleBuilder', () => {
  it('assembles scalar loops over memory with named locals and labels', () => {
    // sum(p, n): Σ f64[p + 8k], k < n
    const sum = new FunctionBuilder(
      'sum',
      [
        ['p', 'i32'],
        ['n', 'i32'],
      ],
      ['f64'],
    ).local('s', 'f64');
    sum
      .block('done')
      .get('n')
      .op('i32.eqz')
      .brIf('done')
      .loop('next')
      .get('s')
      .get('p')
      .load('f64.load')
      .op('f64.add')
      .set('s')
      .get('p')
      .i32(8)
      .op('i32.add')
      .set('p')
      .get('n')
      .i32(1)
      .op('i32.sub')
      .tee('n')
      .brIf('next')
      .end()
      .end()
      .get('s');
    // scale(p, n, c): f64[p + 8k] *= c, calls nothing; twice(x) = add(x, x) through `call`.
    const add = new FunctionBuilder(
      'add',
      [
        ['a', 'i64'],
        ['b', 'i64'],
      ],
      ['i64'],
    )
      .get('a')
      .get('b')
      .op('i64.add');
    const twice = new FunctionBuilder('twice', [['x', 'i64']], ['i64']).get('x').get('x').call('add');
    const big = new FunctionBuilder('big', [], ['i64'])
      .i64(-(2n ** 40n) - 5n)
      .i64(3)
      .op('i64.mul');
    const half = new FunctionBuilder('half', [], ['f64']).f64(1.5).f64(0.25).op('f64.mul');
    const mod = new ModuleBuilder()
      .importMemory()
      .func(sum)
      .func(add, false)
      .func(twice)
      .func(big)
      .func(half)
      .compile();
    expect(mod).not.toBeNull();
    const memory = newWasmMemory(1000);
    const ex = instantiate(mod!, memory) as Record<string, (...a: (number | bigint)[]) => number | bigint>;
    new Float64Array(memory.buffer, 0, 5).set([1, 2, 3, 4, 0.5]);
    expect(ex.sum!(0, 5)).toBe(10.5);
    expect(ex.sum!(16, 2)).toBe(7);
    expect(ex.sum!(0, 0)).toBe(0);
    expect(ex.twice!(21n)).toBe(42n);
    expect(ex.add).toBeUndefined(); // not exported
    expect(ex.big!()).toBe((-(2n ** 40n) - 5n) * 3n);
    expect(ex.half!()).toBe(0.375);
  });

  it('assembles SIMD: f64x2 arithmetic, lanes, int16 dot products, if/else', () => {
    expect(wasmApi()).toBeDefined();
    // dot2(p, q, n): Σ over n pairs of f64x2 products, lanes added at the end.
    const dot2 = new FunctionBuilder(
      'dot2',
      [
        ['p', 'i32'],
        ['q', 'i32'],
        ['n', 'i32'],
      ],
      ['f64'],
    ).local('acc', 'v128');
    dot2
      .loop('next')
      .get('acc')
      .get('p')
      .load('v128.load')
      .get('q')
      .load('v128.load')
      .ops('f64x2.mul', 'f64x2.add')
      .set('acc')
      .get('p')
      .i32(16)
      .op('i32.add')
      .set('p')
      .get('q')
      .i32(16)
      .op('i32.add')
      .set('q')
      .get('n')
      .i32(1)
      .op('i32.sub')
      .tee('n')
      .brIf('next')
      .end()
      .get('acc')
      .lane('f64x2.extract_lane', 0)
      .get('acc')
      .lane('f64x2.extract_lane', 1)
      .op('f64.add');
    // dot16(p, q): one i32x4.dot_i16x8_s of 8 int16 pairs, summed over the four lanes.
    const dot16 = new FunctionBuilder(
      'dot16',
      [
        ['p', 'i32'],
        ['q', 'i32'],
      ],
      ['i32'],
    ).local('v', 'v128');
    dot16.get('p').load('v128.load').get('q').load('v128.load').op('i32x4.dot_i16x8_s').set('v');
    for (let l = 0; l < 4; l++) {
      dot16.get('v').lane('i32x4.extract_lane', l);
      if (l > 0) dot16.op('i32.add');
    }
    // sign(x): 1 / −1 / 0 with nested if/else producing a value, and a const vector.
    const sign = new FunctionBuilder('sign', [['x', 'f64']], ['f64']);
    sign
      .get('x')
      .f64(0)
      .op('f64.gt')
      .if(null, 'f64')
      .f64x2(1, 7)
      .lane('f64x2.extract_lane', 0)
      .else()
      .get('x')
      .f64(0)
      .op('f64.lt')
      .if(null, 'f64')
      .f64(-1)
      .else()
      .f64(0)
      .end()
      .end();
    // evens(p): the even int32 lanes of two vectors at p, p + 16, by i8x16.shuffle, summed (a·1 + b·10 + …).
    const evens = new FunctionBuilder('evens', [['p', 'i32']], ['i32']).local('v', 'v128');
    evens.get('p').load('v128.load').get('p').load('v128.load', 16);
    evens.shuffle([0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27]).i32x4(1, 10, 100, 1000);
    evens.op('i32x4.mul').set('v');
    for (let l = 0; l < 4; l++) {
      evens.get('v').lane('i32x4.extract_lane', l);
      if (l > 0) evens.op('i32.add');
    }
    const mod = new ModuleBuilder().importMemory().func(dot2).func(dot16).func(sign).func(evens).compile();
    expect(mod).not.toBeNull(); // Node ≥ 16 has SIMD
    const memory = newWasmMemory(4096);
    const ex = instantiate(mod!, memory) as Record<string, (...a: number[]) => number>;
    const f = new Float64Array(memory.buffer);
    f.set([1, 2, 3, 4], 0);
    f.set([5, 6, 7, 8], 4);
    expect(ex.dot2!(0, 32, 2)).toBe(1 * 5 + 2 * 6 + 3 * 7 + 4 * 8);
    const i16 = new Int16Array(memory.buffer, 1024, 16);
    i16.set([1, -2, 3, -4, 5, -6, 7, -32768, 8, 7, 6, 5, 4, 3, 2, 32767]);
    expect(ex.dot16!(1024, 1040)).toBe(8 - 14 + 18 - 20 + 20 - 18 + 14 - 32768 * 32767);
    expect([ex.sign!(3), ex.sign!(-2), ex.sign!(0)]).toEqual([1, -1, 0]);
    new Int32Array(memory.buffer, 2048, 8).set([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(ex.evens!(2048)).toBe(1 + 30 + 500 + 7000);
  });

  it('names what is wrong: unknown locals and labels, unclosed blocks, duplicate functions', () => {
    const f = new FunctionBuilder('f', [['a', 'i32']]);
    expect(() => f.get('b')).toThrow(/unknown local b/);
    expect(() => f.br('out')).toThrow(/no enclosing block out/);
    expect(() => f.local('a', 'i32')).toThrow(/declared twice/);
    f.block('x');
    expect(() => f.encode(() => 0)).toThrow(/unclosed block x/);
    f.end();
    expect(() => f.end()).toThrow(/end without an open block/);
    expect(() => f.shuffle([0, 1, 2])).toThrow(/16 byte indices/);
    expect(() => f.shuffle(Array.from({ length: 16 }, () => 32))).toThrow(/16 byte indices/);
    expect(() => new ModuleBuilder().func(f).func(f)).toThrow(/added twice/);
    expect(() => new ModuleBuilder().func(new FunctionBuilder('g', []).call('nope')).bytes()).toThrow(
      /unknown function nope/,
    );
  });

  it('names its functions: a trap inside a non-exported function shows that name in the stack trace', () => {
    const boom = new FunctionBuilder('inner_kernel_boom', []).op('unreachable');
    const entry = new FunctionBuilder('entry', []).call('inner_kernel_boom');
    const mod = new ModuleBuilder().importMemory().func(boom, false).func(entry).compile();
    expect(mod).not.toBeNull();
    const ex = instantiate(mod!, newWasmMemory(1)) as unknown as { entry: () => void };
    let stack = '';
    try {
      ex.entry();
    } catch (e) {
      stack = String((e as Error).stack);
    }
    expect(stack).toMatch(/inner_kernel_boom/);
  });

  it('validates what it emits: a wrong stack shape is rejected by the engine, not run', () => {
    const bad = new FunctionBuilder('bad', [], ['i32']).f64(1); // leaves an f64 where an i32 is due
    expect(new ModuleBuilder().func(bad).compile()).toBeNull();
  });
});
