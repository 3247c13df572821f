import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeGraph, decodeInline, encodeGraph, encodeInline } from '../../src/compute/bullmq/codec.ts';
import { InvalidInputError } from '../../src/core/errors.ts';

function bitsOf(v: ArrayBufferView): string {
  return Buffer.from(v.buffer as ArrayBuffer, v.byteOffset, v.byteLength).toString('hex');
}

/** Structural equality that also compares typed arrays and numbers bit for bit (NaN, −0). */
function sameBits(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b))
    return a.constructor === b.constructor && bitsOf(a) === bitsOf(b);
  if (a instanceof Map && b instanceof Map)
    return (
      a.size === b.size &&
      [...a].every(([k, v], i) => sameBits(k, [...b][i]![0]) && sameBits(v, [...b][i]![1]))
    );
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameBits(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => sameBits((a as never)[k], (b as never)[k]));
  }
  return Object.is(a, b);
}

const special = fc.constantFrom(Number.NaN, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 5e-324);
const number = fc.oneof(fc.double(), special);
const f64 = fc.array(number, { maxLength: 40 }).map((xs) => Float64Array.from(xs));
const leaf = fc.oneof(
  number,
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  f64,
  fc.array(fc.integer({ min: -1000, max: 1000 })).map((xs) => Int32Array.from(xs)),
);
const graph = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 5 }), tie('node'), { maxKeys: 4 }),
    fc.array(fc.tuple(fc.string({ maxLength: 3 }), tie('node')), { maxLength: 3 }).map((e) => new Map(e)),
  ),
})).node;

describe('graph codec', () => {
  it('round-trips random graphs bit for bit (property)', () => {
    fc.assert(
      fc.property(graph, (g) => {
        expect(sameBits(decodeInline(JSON.parse(JSON.stringify(encodeInline(g)))), g)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps NaN payloads, −0 and subnormals inside Float64Arrays', () => {
    const x = new Float64Array(4);
    new DataView(x.buffer).setBigUint64(0, 0x7ff4000000000001n, true); // a signalling NaN payload
    x[1] = -0;
    x[2] = 5e-324;
    x[3] = 1 / 3;
    const y = decodeInline(JSON.parse(JSON.stringify(encodeInline({ x })))) as { x: Float64Array };
    expect(bitsOf(y.x)).toBe(bitsOf(x));
  });

  it('keeps aliasing: views of one buffer share it, repeated objects and cycles are one object', () => {
    const sab = new SharedArrayBuffer(64);
    const whole = new Float64Array(sab);
    const tail = new Float64Array(sab, 32, 2);
    const spec = { name: 'MOM' };
    const root: Record<string, unknown> = {
      whole,
      tail,
      specs: [spec, spec],
      fields: new Map([['close', whole]]),
    };
    root.self = root;
    const enc = encodeGraph(root);
    expect(enc.buffers.length).toBe(1);
    const out = decodeGraph(enc.skeleton, [new SharedArrayBuffer(64)]) as typeof root & {
      whole: Float64Array;
      tail: Float64Array;
      specs: object[];
      fields: Map<string, Float64Array>;
    };
    expect(out.whole.buffer).toBe(out.tail.buffer);
    expect(out.whole.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(out.tail.byteOffset).toBe(32);
    out.tail[0] = 7;
    expect(out.whole[4]).toBe(7);
    expect(out.specs[0]).toBe(out.specs[1]);
    expect(out.fields.get('close')).toBe(out.whole);
    expect(out.self).toBe(out);
  });

  it('refuses functions, symbols and class instances, naming the path', () => {
    expect(() => encodeGraph({ a: [1, () => 2] }, 'shared')).toThrow(/shared\.a\[1\] is a function/);
    expect(() => encodeGraph({ s: Symbol('x') }, 'shared')).toThrow(InvalidInputError);
    class Fitted {}
    expect(() => encodeGraph({ model: new Fitted() }, 'shared')).toThrow(
      /shared\.model is an instance of Fitted/,
    );
  });

  it('handles the empty cases: undefined, empty arrays and zero-length typed arrays', () => {
    for (const v of [undefined, [], {}, new Float64Array(0), new Map(), new Set()]) {
      expect(sameBits(decodeInline(encodeInline(v)), v) || v instanceof Set).toBe(true);
    }
    const s = decodeInline(encodeInline(new Set([1, 'a']))) as Set<unknown>;
    expect([...s]).toEqual([1, 'a']);
  });
});
