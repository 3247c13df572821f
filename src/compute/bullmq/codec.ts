/**
 * Bit-exact serialisation of a task's `shared` object, its tasks and its results for the BullMQ backend.
 *
 * A value graph is split into a small JSON skeleton and the raw bytes of every distinct ArrayBuffer /
 * SharedArrayBuffer its typed arrays view. Float64 data therefore round-trips exactly (NaN payloads and −0
 * included) instead of through JSON numbers; plain numbers that JSON cannot carry (NaN, ±∞, −0) are tagged.
 * Views keep their buffer, offset and length, so aliasing views stay aliased after decoding and a task's
 * writes into `shared` can be diffed per buffer (write-back.ts). Objects seen twice (or cycles) are encoded
 * once and referenced.
 *
 * Supported: null, undefined, booleans, numbers, bigints, strings, arrays, plain objects, Map, Set, Date,
 * ArrayBuffer, SharedArrayBuffer, every typed array, DataView and Node Buffers (as Uint8Array). Functions,
 * symbols and class instances are refused with an InvalidInputError naming the path.
 */
import { InvalidInputError } from '../../core/errors.ts';

/** Skeleton node: JSON primitives stand for themselves, arrays are arrays, everything else is tagged. */
export type CodecNode =
  | null
  | boolean
  | string
  | number
  | CodecNode[]
  | { readonly $: 'num'; readonly v: 'NaN' | 'Infinity' | '-Infinity' | '-0' }
  | { readonly $: 'undef' }
  | { readonly $: 'big'; readonly v: string }
  | { readonly $: 'obj'; readonly v: Record<string, CodecNode> }
  | { readonly $: 'map'; readonly v: [CodecNode, CodecNode][] }
  | { readonly $: 'set'; readonly v: CodecNode[] }
  | { readonly $: 'date'; readonly v: number }
  | { readonly $: 'view'; readonly k: ViewKind; readonly b: number; readonly o: number; readonly n: number }
  | { readonly $: 'buf'; readonly b: number }
  | { readonly $: 'ref'; readonly id: number };

const VIEW_KINDS = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  DataView,
} as const;
export type ViewKind = keyof typeof VIEW_KINDS;

export interface BufferInfo {
  readonly bytes: number;
  /** True when the original lived on a SharedArrayBuffer (it is restored on one). */
  readonly shared: boolean;
}

/** The skeleton of an encoded graph; `buffers[b]` describes the b-th raw buffer. */
export interface GraphSkeleton {
  readonly version: 1;
  /** Byte order of the raw buffers; only little-endian hosts exist in practice, but say so. */
  readonly endian: 'le';
  readonly buffers: readonly BufferInfo[];
  readonly root: CodecNode;
}

export interface EncodedGraph {
  readonly skeleton: GraphSkeleton;
  /** The original buffers, in skeleton order (not copied). */
  readonly buffers: readonly ArrayBufferLike[];
}

const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function checkHost(): void {
  if (!hostIsLittleEndian)
    throw new InvalidInputError('the bullmq backend needs a little-endian host', {
      where: { field: 'host' },
    });
}

function viewKind(v: ArrayBufferView): ViewKind {
  if (v instanceof DataView) return 'DataView';
  // Node Buffers are Uint8Arrays with extra methods; they decode as plain Uint8Arrays.
  if (typeof Buffer !== 'undefined' && Buffer.isBuffer(v)) return 'Uint8Array';
  const name = Object.getPrototypeOf(v)?.constructor?.name as string | undefined;
  if (name !== undefined && name in VIEW_KINDS) return name as ViewKind;
  throw new InvalidInputError(`unsupported typed array ${String(name)}`, { where: { field: 'shared' } });
}

function isBufferLike(x: unknown): x is ArrayBufferLike {
  return (
    x instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && x instanceof SharedArrayBuffer)
  );
}

/** Splits `value` into a JSON skeleton and its raw buffers; throws InvalidInputError on unsupported parts. */
export function encodeGraph(value: unknown, label = 'value'): EncodedGraph {
  checkHost();
  const buffers: ArrayBufferLike[] = [];
  const bufferIndex = new Map<ArrayBufferLike, number>();
  const ids = new Map<object, number>();
  const bufferOf = (b: ArrayBufferLike): number => {
    let k = bufferIndex.get(b);
    if (k === undefined) {
      k = buffers.length;
      buffers.push(b);
      bufferIndex.set(b, k);
    }
    return k;
  };
  const visit = (x: unknown, path: string): CodecNode => {
    switch (typeof x) {
      case 'string':
      case 'boolean':
        return x;
      case 'number':
        if (Number.isNaN(x)) return { $: 'num', v: 'NaN' };
        if (x === Number.POSITIVE_INFINITY) return { $: 'num', v: 'Infinity' };
        if (x === Number.NEGATIVE_INFINITY) return { $: 'num', v: '-Infinity' };
        if (Object.is(x, -0)) return { $: 'num', v: '-0' };
        return x;
      case 'undefined':
        return { $: 'undef' };
      case 'bigint':
        return { $: 'big', v: x.toString() };
      case 'function':
      case 'symbol':
        throw new InvalidInputError(`${path} is a ${typeof x}, which cannot be sent to a worker`, {
          where: { field: path },
        });
    }
    if (x === null) return null;
    const o = x as object;
    const seen = ids.get(o);
    if (seen !== undefined) return { $: 'ref', id: seen };
    ids.set(o, ids.size);
    if (ArrayBuffer.isView(o)) {
      return { $: 'view', k: viewKind(o), b: bufferOf(o.buffer), o: o.byteOffset, n: o.byteLength };
    }
    if (isBufferLike(o)) return { $: 'buf', b: bufferOf(o) };
    if (Array.isArray(o)) return o.map((e, k) => visit(e, `${path}[${k}]`));
    if (o instanceof Map) {
      let k = 0;
      return {
        $: 'map',
        v: [...o].map(([a, b]) => [visit(a, `${path}.key${k}`), visit(b, `${path}.get(${k++})`)]),
      };
    }
    if (o instanceof Set) return { $: 'set', v: [...o].map((e, k) => visit(e, `${path}.item${k}`)) };
    if (o instanceof Date) return { $: 'date', v: o.getTime() };
    const proto = Object.getPrototypeOf(o);
    if (proto !== Object.prototype && proto !== null) {
      throw new InvalidInputError(
        `${path} is an instance of ${String(proto?.constructor?.name)}; only plain data can be sent to a worker`,
        { where: { field: path } },
      );
    }
    const out: Record<string, CodecNode> = {};
    for (const key of Object.keys(o)) out[key] = visit((o as Record<string, unknown>)[key], `${path}.${key}`);
    return { $: 'obj', v: out };
  };
  const root = visit(value, label);
  const infos = buffers.map((b) => ({ bytes: b.byteLength, shared: !(b instanceof ArrayBuffer) }));
  return { skeleton: { version: 1, endian: 'le', buffers: infos, root }, buffers };
}

/** A fresh buffer holding a copy of `bytes` (on a SharedArrayBuffer when the original was shared). */
export function materialiseBuffer(info: BufferInfo, bytes: Uint8Array): ArrayBufferLike {
  if (bytes.byteLength !== info.bytes) {
    throw new InvalidInputError(`buffer has ${bytes.byteLength} bytes, its skeleton says ${info.bytes}`, {
      where: { field: 'buffer' },
    });
  }
  const b = info.shared ? new SharedArrayBuffer(info.bytes) : new ArrayBuffer(info.bytes);
  new Uint8Array(b).set(bytes);
  return b;
}

/** Rebuilds the graph over `buffers` (used as they are: views alias them, nothing is copied). */
export function decodeGraph(skeleton: GraphSkeleton, buffers: readonly ArrayBufferLike[]): unknown {
  checkHost();
  if (skeleton.version !== 1 || skeleton.endian !== 'le') {
    throw new InvalidInputError(`unknown graph encoding version ${String(skeleton.version)}`, {
      where: { field: 'skeleton' },
    });
  }
  if (buffers.length !== skeleton.buffers.length) {
    throw new InvalidInputError(`graph needs ${skeleton.buffers.length} buffers, got ${buffers.length}`, {
      where: { field: 'buffers' },
    });
  }
  const objects: unknown[] = [];
  const visit = (n: CodecNode): unknown => {
    if (n === null || typeof n !== 'object') return n;
    if (Array.isArray(n)) {
      const arr: unknown[] = [];
      objects.push(arr);
      for (const e of n) arr.push(visit(e));
      return arr;
    }
    switch (n.$) {
      case 'num':
        return n.v === '-0' ? -0 : Number(n.v);
      case 'undef':
        return undefined;
      case 'big':
        return BigInt(n.v);
      case 'ref': {
        if (n.id >= objects.length)
          throw new InvalidInputError(`dangling reference ${n.id}`, { where: { field: 'skeleton' } });
        return objects[n.id];
      }
      case 'view': {
        const Ctor = VIEW_KINDS[n.k] as unknown as new (b: ArrayBufferLike, o: number, n: number) => object;
        const bytesPer =
          n.k === 'DataView' ? 1 : (VIEW_KINDS[n.k] as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
        const v = new Ctor(buffers[n.b]!, n.o, n.n / bytesPer);
        objects.push(v);
        return v;
      }
      case 'buf': {
        const b = buffers[n.b]!;
        objects.push(b);
        return b;
      }
      case 'date': {
        const d = new Date(n.v);
        objects.push(d);
        return d;
      }
      case 'map': {
        const m = new Map<unknown, unknown>();
        objects.push(m);
        for (const [a, b] of n.v) m.set(visit(a), visit(b));
        return m;
      }
      case 'set': {
        const s = new Set<unknown>();
        objects.push(s);
        for (const e of n.v) s.add(visit(e));
        return s;
      }
      case 'obj': {
        const o: Record<string, unknown> = {};
        objects.push(o);
        for (const key of Object.keys(n.v)) o[key] = visit(n.v[key]!);
        return o;
      }
      default:
        throw new InvalidInputError(`unknown node tag ${JSON.stringify((n as { $: unknown }).$)}`, {
          where: { field: 'skeleton' },
        });
    }
  };
  return visit(skeleton.root);
}

/** A graph with its buffers inline as base64: for task arguments and results, which are small. */
export interface InlineGraph {
  readonly skeleton: GraphSkeleton;
  readonly data: readonly string[];
}

function bytesOf(b: ArrayBufferLike): Buffer {
  // Buffer.from over a SharedArrayBuffer is a view, not a copy; base64 encoding copies once.
  return Buffer.from(b as ArrayBuffer, 0, b.byteLength);
}

export function encodeInline(value: unknown, label = 'value'): InlineGraph {
  const { skeleton, buffers } = encodeGraph(value, label);
  return { skeleton, data: buffers.map((b) => bytesOf(b).toString('base64')) };
}

export function decodeInline(g: InlineGraph): unknown {
  const buffers = g.data.map((s, k) => {
    const bytes = Buffer.from(s, 'base64');
    return materialiseBuffer(g.skeleton.buffers[k]!, bytes);
  });
  return decodeGraph(g.skeleton, buffers);
}
