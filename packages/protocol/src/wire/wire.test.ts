import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../errors.js';
import { INT64_MAX_AS_NUMBER, Reader, varint64Size, writeFixed64, writeVarint64 } from './wire.js';

function encode64(v: number): Buffer {
  const buf = Buffer.alloc(10);
  const end = writeVarint64(buf, 0, v);
  expect(end).toBe(varint64Size(v));
  return buf.subarray(0, end);
}

function read64(bytes: Buffer): number {
  return new Reader(bytes, 0, bytes.length).varint64();
}

describe('64-bit varints', () => {
  it('reads uint64 0xFFFF_FFFF_FFFF_FFFF as -1, as the C++ reader writes MessageId.earliest', () => {
    const bytes = Buffer.from('ffffffffffffffffff01', 'hex');
    expect(read64(bytes)).toBe(-1);
    expect(encode64(-1)).toEqual(bytes);
  });

  it('writes negative values as 10 bytes of two’s complement', () => {
    expect(encode64(-2).toString('hex')).toBe('feffffffffffffffff01');
    expect(encode64(-(2 ** 40)).length).toBe(10);
  });

  it('saturates 2^63 (Long.MAX_VALUE as a double) to INT64_MAX instead of wrapping', () => {
    const bytes = encode64(INT64_MAX_AS_NUMBER);
    expect(bytes.toString('hex')).toBe('ffffffffffffffff7f');
    expect(read64(bytes)).toBe(INT64_MAX_AS_NUMBER);
    expect(encode64(Infinity).toString('hex')).toBe('ffffffffffffffff7f');
    expect(encode64(-(2 ** 64)).toString('hex')).toBe('80808080808080808001');
  });

  it('round-trips every safe integer through varint and fixed64', () => {
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (v) => {
        expect(read64(encode64(v))).toBe(v);
        const fixed = Buffer.alloc(8);
        writeFixed64(fixed, 0, v);
        expect(new Reader(fixed, 0, 8).fixed64()).toBe(v);
      }),
    );
  });

  it('sizes agree with what is written at every byte-length boundary', () => {
    for (let bits = 0; bits <= 62; bits++) {
      for (const v of [2 ** bits - 1, 2 ** bits]) encode64(v);
    }
  });
});

describe('malformed varints', () => {
  it('rejects a varint longer than 10 bytes', () => {
    const bytes = Buffer.alloc(11, 0x80);
    expect(() => read64(bytes)).toThrow(ProtocolError);
    expect(() => new Reader(bytes, 0, 11).varint32()).toThrow(ProtocolError);
  });

  it('rejects a varint cut off by the end of its region', () => {
    const bytes = Buffer.from([0x80, 0x80, 0x01]);
    expect(() => new Reader(bytes, 0, 2).varint32()).toThrow(/past the end/);
  });

  it('rejects a length prefix whose high bits would be lost in 32 bits', () => {
    // 2^35 as a varint: its low 32 bits are zero, so a 32-bit reader would see length 0.
    const bytes = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    expect(() => new Reader(bytes, 0, bytes.length).delimitedEnd()).toThrow(ProtocolError);
  });
});
