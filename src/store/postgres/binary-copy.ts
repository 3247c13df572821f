/**
 * PostgreSQL binary COPY encoding and decoding (the wire format of `COPY … (FORMAT binary)`): a fixed
 * header, then per tuple an int16 field count and per field an int32 length (−1 = NULL) and the bytes,
 * big-endian; a trailing int16 −1. Timestamps are int64 microseconds since 2000-01-01 UTC.
 */
export const PG_EPOCH_MS = 946_684_800_000;
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** Accumulates tuples into buffers of about `chunkBytes`. */
export class BinaryCopyWriter {
  private buf: Buffer;
  private pos = 0;
  readonly chunks: Buffer[] = [];

  constructor(private readonly chunkBytes = 1 << 20) {
    this.buf = Buffer.allocUnsafe(chunkBytes);
    SIGNATURE.copy(this.buf, 0);
    this.buf.writeInt32BE(0, 11);
    this.buf.writeInt32BE(0, 15);
    this.pos = 19;
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(this.chunkBytes, bytes));
    this.pos = 0;
  }

  /** Starts a tuple of `fields` fields whose payload is at most `maxBytes`. */
  tuple(fields: number, maxBytes: number): void {
    this.ensure(2 + fields * 4 + maxBytes);
    this.buf.writeInt16BE(fields, this.pos);
    this.pos += 2;
  }
  int4(v: number): void {
    this.buf.writeInt32BE(4, this.pos);
    this.buf.writeInt32BE(v, this.pos + 4);
    this.pos += 8;
  }
  float8OrNull(v: number): void {
    if (Number.isNaN(v)) {
      this.nullField();
      return;
    }
    this.buf.writeInt32BE(8, this.pos);
    this.buf.writeDoubleBE(v, this.pos + 4);
    this.pos += 12;
  }
  /** A timestamptz from epoch ms. */
  timestamp(ms: number): void {
    const us = (ms - PG_EPOCH_MS) * 1000;
    const hi = Math.floor(us / 4294967296);
    this.buf.writeInt32BE(8, this.pos);
    this.buf.writeInt32BE(hi, this.pos + 4);
    this.buf.writeUInt32BE(us - hi * 4294967296, this.pos + 8);
    this.pos += 12;
  }
  /** A jsonb value from its text (binary jsonb = version byte 1 + text). */
  jsonbOrNull(text: Buffer | null): void {
    if (text === null) {
      this.nullField();
      return;
    }
    this.buf.writeInt32BE(text.length + 1, this.pos);
    this.buf[this.pos + 4] = 1;
    text.copy(this.buf, this.pos + 5);
    this.pos += 5 + text.length;
  }
  nullField(): void {
    this.buf.writeInt32BE(-1, this.pos);
    this.pos += 4;
  }
  /** Appends the trailer and returns every chunk. */
  finish(): Buffer[] {
    this.ensure(2);
    this.buf.writeInt16BE(-1, this.pos);
    this.pos += 2;
    this.chunks.push(this.buf.subarray(0, this.pos));
    return this.chunks;
  }
}

/**
 * Streaming decoder of binary COPY output whose fields are all int4, float8 or text. `onTuple` receives
 * the field views of one tuple (null = NULL); a tuple split across chunks is carried over.
 */
export class BinaryCopyReader {
  private carry: Buffer = Buffer.alloc(0);
  private headerDone = false;
  private readonly fields: (Buffer | null)[] = [];

  constructor(private readonly onTuple: (fields: readonly (Buffer | null)[]) => void) {}

  push(chunk: Buffer): void {
    let buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    let pos = 0;
    if (!this.headerDone) {
      if (buf.length < 19) {
        this.carry = buf;
        return;
      }
      const ext = buf.readInt32BE(15);
      pos = 19 + ext;
      this.headerDone = true;
    }
    for (;;) {
      if (buf.length - pos < 2) break;
      const n = buf.readInt16BE(pos);
      if (n === -1) {
        pos += 2;
        break;
      }
      let p = pos + 2;
      let complete = true;
      this.fields.length = 0;
      for (let f = 0; f < n; f++) {
        if (buf.length - p < 4) {
          complete = false;
          break;
        }
        const len = buf.readInt32BE(p);
        p += 4;
        if (len === -1) {
          this.fields.push(null);
          continue;
        }
        if (buf.length - p < len) {
          complete = false;
          break;
        }
        this.fields.push(buf.subarray(p, p + len));
        p += len;
      }
      if (!complete) break;
      this.onTuple(this.fields);
      pos = p;
    }
    this.carry = pos < buf.length ? Buffer.from(buf.subarray(pos)) : Buffer.alloc(0);
    buf = this.carry;
  }
}
