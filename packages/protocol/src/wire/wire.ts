import { ProtocolError } from '../errors.js';

/**
 * Protobuf wire primitives: varints, zig-zag, fixed-width numbers.
 *
 * 64-bit integers are JavaScript numbers. They are read as signed two's-complement values, so a
 * uint64 holding 0xFFFFFFFFFFFFFFFF (which the C++ reader sends for start_message_id -1) reads as
 * -1, and a negative number is written back as the same 10-byte varint. Magnitudes beyond 2^53
 * lose precision; Pulsar ids, sequence ids and timestamps stay far below that.
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

const TWO_POW_32 = 4294967296;
const TWO_POW_63 = 9223372036854775808;
/**
 * 2^63: what Long.MAX_VALUE (2^63 - 1) becomes as a JS number. Encoders saturate values at or
 * above it to Long.MAX_VALUE, so MessageId.latest (Long.MAX, Long.MAX) survives a round trip.
 */
export const INT64_MAX_AS_NUMBER = 2 ** 63;

function malformed(message: string): ProtocolError {
  return new ProtocolError('MALFORMED_PROTOBUF', message);
}

/** A cursor over a byte range; `end` is exclusive. */
export class Reader {
  buf: Buffer;
  pos: number;
  end: number;

  constructor(buf: Buffer, pos: number, end: number) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  /**
   * Reads a varint of up to 10 bytes and returns its low 32 bits as an unsigned number. This is
   * how protobuf reads uint32, int32, enums, bools and tags: a negative int32 arrives sign-extended
   * to 10 bytes and the upper bytes carry no information.
   */
  varint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    const end = this.end;
    if (pos < end) {
      const b0 = buf[pos];
      if (b0 < 0x80) {
        this.pos = pos + 1;
        return b0;
      }
    }
    let result = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (pos >= end) throw malformed('varint runs past the end of its field');
      const b = buf[pos++];
      if (shift < 32) result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return result >>> 0;
      }
    }
    throw malformed('varint longer than 10 bytes');
  }

  /** Reads a varint as a signed 64-bit value (see the module comment on precision). */
  varint64(): number {
    const buf = this.buf;
    let pos = this.pos;
    const end = this.end;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw malformed('varint runs past the end of its field');
      const b = buf[pos++];
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if (b < 0x80) {
        this.pos = pos;
        return hi * TWO_POW_32 + (lo >>> 0);
      }
    }
    throw malformed('varint longer than 10 bytes');
  }

  fixed32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  sfixed32(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  float(): number {
    this.need(4);
    const v = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return v;
  }

  double(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** fixed64 and sfixed64, both as signed values, consistent with varint64. */
  fixed64(): number {
    this.need(8);
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readInt32LE(this.pos + 4);
    this.pos += 8;
    return hi * TWO_POW_32 + lo;
  }

  /** Reads a length prefix and returns the end offset of the delimited range. */
  delimitedEnd(): number {
    const pos = this.pos;
    if (pos < this.end && this.buf[pos] < 0x80) {
      // Lengths below 128 (most strings and small messages) fit one byte.
      const short = this.buf[pos];
      if (short > this.end - pos - 1) throw malformed('length-delimited field runs past the end');
      this.pos = pos + 1;
      return pos + 1 + short;
    }
    // Read all 64 bits: a huge length must fail here, not be truncated to its low 32 bits.
    const len = this.varint64();
    if (len < 0 || len > this.end - this.pos) throw malformed('length-delimited field runs past the end');
    return this.pos + len;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint32();
        return;
      case WIRE_FIXED64:
        this.need(8);
        this.pos += 8;
        return;
      case WIRE_LENGTH_DELIMITED:
        this.pos = this.delimitedEnd();
        return;
      case WIRE_FIXED32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        // Groups (3, 4) are long deprecated and Pulsar never uses them; 6 and 7 do not exist.
        throw malformed(`unsupported wire type ${wireType}`);
    }
  }

  private need(n: number): void {
    if (this.end - this.pos < n) throw malformed('fixed-width field runs past the end');
  }
}

/** Bytes needed for a non-negative 32-bit varint. */
export function varint32Size(v: number): number {
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  return 5;
}

/** Bytes needed for any 64-bit value; negative values always take 10 bytes. */
export function varint64Size(v: number): number {
  if (v >= 0 && v < 0x10000000) return varint32Size(v);
  if (v < 0) return 10;
  // 2^63 and above (and +Infinity) saturate to INT64_MAX, nine bytes; NaN is written as 0.
  if (!(v < TWO_POW_63)) return v === v ? 9 : 1;
  if (v < TWO_POW_32) return 5;
  // Above 2^32 the high word decides how many more 7-bit groups follow the first 35 bits.
  const hi = Math.floor(v / TWO_POW_32);
  if (hi < 0x8) return 5;
  if (hi < 0x400) return 6;
  if (hi < 0x20000) return 7;
  if (hi < 0x1000000) return 8;
  return 9;
}

/** Writes a non-negative value below 2^32 and returns the new position. */
export function writeVarint32(buf: Buffer, pos: number, v: number): number {
  while (v > 0x7f) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

/**
 * Splits a number into the two's-complement halves of a 64-bit integer. Values at or beyond ±2^63
 * saturate to INT64_MAX / INT64_MIN, so MessageId.latest (Long.MAX_VALUE, which a double rounds up
 * to 2^63) goes back on the wire as Long.MAX_VALUE instead of wrapping to Long.MIN_VALUE. NaN is 0.
 */
function split64(v: number): void {
  if (v >= TWO_POW_63) {
    splitLo = 0xffffffff;
    splitHi = 0x7fffffff;
  } else if (v < -TWO_POW_63) {
    splitLo = 0;
    splitHi = 0x80000000;
  } else if (v === v) {
    const hiFloat = Math.floor(v / TWO_POW_32);
    splitLo = (v - hiFloat * TWO_POW_32) >>> 0;
    splitHi = hiFloat >>> 0;
  } else {
    splitLo = 0;
    splitHi = 0;
  }
}

/** Output of split64, module-level so splitting allocates nothing. */
let splitLo = 0;
let splitHi = 0;

/** Writes any 64-bit value (negative as two's complement) and returns the new position. */
export function writeVarint64(buf: Buffer, pos: number, v: number): number {
  if (v >= 0 && v < TWO_POW_32) return writeVarint32(buf, pos, v);
  split64(v);
  let lo = splitLo;
  let hi = splitHi;
  while (hi !== 0 || lo > 0x7f) {
    buf[pos++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  buf[pos++] = lo;
  return pos;
}

export function writeFixed64(buf: Buffer, pos: number, v: number): number {
  split64(v);
  buf.writeUInt32LE(splitLo, pos);
  buf.writeUInt32LE(splitHi, pos + 4);
  return pos + 8;
}

export function zigzagEncode32(v: number): number {
  return ((v << 1) ^ (v >> 31)) >>> 0;
}

export function zigzagDecode32(v: number): number {
  return (v >>> 1) ^ -(v & 1);
}

/** Zig-zag for 64-bit numbers, done in floating point since the values are JS numbers. */
export function zigzagEncode64(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

/** Inverse of zigzagEncode64; the input is read as unsigned, so undo varint64's sign first. */
export function zigzagDecode64(raw: number): number {
  const u = raw < 0 ? raw + 2 * 2 ** 63 : raw;
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}
