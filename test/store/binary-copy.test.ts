import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryCopyReader, BinaryCopyWriter, PG_EPOCH_MS } from '../../src/store/postgres/binary-copy.ts';
import { keyOrder } from '../../src/store/postgres/bulk.ts';

/** Decodes writer output by hand-rolled field walk (the naive twin of BinaryCopyReader). */
function naiveDecode(buf: Buffer): (Buffer | null)[][] {
  const out: (Buffer | null)[][] = [];
  let p = 19;
  for (;;) {
    const n = buf.readInt16BE(p);
    p += 2;
    if (n === -1) return out;
    const row: (Buffer | null)[] = [];
    for (let f = 0; f < n; f++) {
      const len = buf.readInt32BE(p);
      p += 4;
      row.push(len < 0 ? null : buf.subarray(p, p + len));
      p += Math.max(0, len);
    }
    out.push(row);
  }
}

describe('PostgreSQL binary COPY codec', () => {
  it('writes the header, int4, float8, NULL, timestamptz and jsonb fields', () => {
    const w = new BinaryCopyWriter(64);
    w.tuple(5, 64);
    w.int4(-7);
    w.float8OrNull(1.5);
    w.float8OrNull(Number.NaN);
    w.timestamp(PG_EPOCH_MS + 1.5);
    w.jsonbOrNull(Buffer.from('{}'));
    const buf = Buffer.concat(w.finish());
    expect(buf.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
    const [row] = naiveDecode(buf);
    expect(row![0]!.readInt32BE(0)).toBe(-7);
    expect(row![1]!.readDoubleBE(0)).toBe(1.5);
    expect(row![2]).toBeNull();
    expect(row![3]!.readBigInt64BE(0)).toBe(1500n);
    expect(row![4]![0]).toBe(1);
    expect(row![4]!.subarray(1).toString()).toBe('{}');
  });

  it('timestamps before 2000 and after 2038 encode exactly', () => {
    for (const ms of [
      Date.UTC(1970, 0, 1),
      Date.UTC(1999, 11, 31, 23, 59, 59, 999),
      Date.UTC(2100, 5, 1, 21),
    ]) {
      const w = new BinaryCopyWriter();
      w.tuple(1, 8);
      w.timestamp(ms);
      const [row] = naiveDecode(Buffer.concat(w.finish()));
      expect(row![0]!.readBigInt64BE(0)).toBe(BigInt(ms - PG_EPOCH_MS) * 1000n);
    }
  });

  it('the streaming reader agrees with the naive decoder however the stream is split', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer(),
            fc.option(fc.double({ noNaN: true }), { nil: null }),
            fc.option(fc.string(), { nil: null }),
          ),
        ),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }),
        (rows, cuts) => {
          const w = new BinaryCopyWriter(32);
          for (const [i, d, s] of rows) {
            const text = s === null ? null : Buffer.from(s);
            w.tuple(3, 8 + 8 + (text?.length ?? 0) + 1);
            w.int4(i);
            w.float8OrNull(d ?? Number.NaN);
            if (text) {
              w.int4(0);
            } else w.nullField();
          }
          const buf = Buffer.concat(w.finish());
          const got: (string | null)[][] = [];
          const r = new BinaryCopyReader((f) =>
            got.push(f.map((x) => (x === null ? null : x.toString('hex')))),
          );
          let p = 0;
          let k = 0;
          while (p < buf.length) {
            const step = cuts[k++ % cuts.length]!;
            r.push(buf.subarray(p, p + step));
            p += step;
          }
          expect(got).toEqual(
            naiveDecode(buf).map((row) => row.map((x) => (x === null ? null : x.toString('hex')))),
          );
          expect(got.length).toBe(rows.length);
        },
      ),
    );
  });
});

describe('keyOrder (PostgreSQL COPY order)', () => {
  const batch = (rows: [number, number, number, number][]) => ({
    length: rows.length,
    entityId: Int32Array.from(rows, (r) => r[0]),
    featureId: Int32Array.from(rows, (r) => r[1]),
    eventTimeMs: Float64Array.from(rows, (r) => r[2]),
    ingestTimeMs: Float64Array.from(rows, (r) => r[3]),
    value: new Float64Array(rows.length),
    json: null,
    writeId: 1,
  });
  it('sorts by (entity, feature, event, ingest) like a naive sort and detects duplicate keys', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 1, max: 6 }),
            fc.integer({ min: 1, max: 3 }),
            fc.integer({ min: 0, max: 4 }),
            fc.integer({ min: 0, max: 4 }),
          ),
        ),
        (rows) => {
          const { order, unique } = keyOrder(batch(rows));
          const got = Array.from(order, (k) => rows[k]!);
          const want = [...rows].sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3]);
          expect(got).toEqual(want);
          expect(unique).toBe(new Set(rows.map((r) => r.join('|'))).size === rows.length);
        },
      ),
    );
  });
});
