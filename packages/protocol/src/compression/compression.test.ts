import fc from 'fast-check';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../errors.js';
import { CompressionType } from '../schema/enums.js';
import { compress, decompress } from './compression.js';

const CODECS = [
  CompressionType.NONE,
  CompressionType.LZ4,
  CompressionType.ZLIB,
  CompressionType.ZSTD,
  CompressionType.SNAPPY,
] as const;
const COMPRESSED = CODECS.filter((c) => c !== CompressionType.NONE);

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    return (err as ProtocolError).code;
  }
  return undefined;
}

describe('compression', () => {
  it.each(CODECS)('codec %i round-trips any bytes (property)', (type) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (data) => {
        const packed = compress(type, data);
        expect(Buffer.from(decompress(type, packed, data.length))).toEqual(Buffer.from(data));
      }),
      { numRuns: 200 },
    );
  });

  it('writes LZ4 as a raw block without a size prefix', () => {
    const data = Buffer.from('lorem ipsum dolor sit amet '.repeat(20));
    const packed = compress(CompressionType.LZ4, data);
    // A raw LZ4 block starts with a token; lz4-napi's own format would start with 0x1c 0x02 0 0.
    expect(packed.readUInt32LE(0)).not.toBe(data.length);
    expect(decompress(CompressionType.LZ4, packed, data.length)).toEqual(data);
  });

  it('writes SNAPPY raw (varint length first) and ZLIB/ZSTD with their magics', () => {
    const data = Buffer.from('x'.repeat(300));
    expect(compress(CompressionType.SNAPPY, data).subarray(0, 2).toString('hex')).toBe('ac02');
    expect(compress(CompressionType.ZLIB, data)[0]).toBe(0x78);
    expect(compress(CompressionType.ZSTD, data).subarray(0, 4).toString('hex')).toBe('28b52ffd');
  });

  it.each(COMPRESSED)('codec %i refuses a wrong uncompressed size', (type) => {
    const data = Buffer.from('some data that compresses, some data that compresses');
    const packed = compress(type, data);
    expect(errorCode(() => decompress(type, packed, data.length + 1))).toBe('COMPRESSION_ERROR');
    expect(errorCode(() => decompress(type, packed, data.length - 1))).toBe('COMPRESSION_ERROR');
  });

  it.each(COMPRESSED)('codec %i refuses a size above the limit before decompressing', (type) => {
    expect(errorCode(() => decompress(type, Buffer.from([1, 2, 3]), 65, 64))).toBe('COMPRESSION_ERROR');
    expect(errorCode(() => decompress(type, Buffer.from([1, 2, 3]), 128 * 1024 * 1024))).toBe(
      'COMPRESSION_ERROR',
    );
  });

  it('stops a zlib bomb at the declared size', () => {
    const bomb = deflateSync(Buffer.alloc(50 * 1024 * 1024));
    expect(errorCode(() => decompress(CompressionType.ZLIB, bomb, 1024))).toBe('COMPRESSION_ERROR');
  });

  it.each(COMPRESSED)('codec %i gives a ProtocolError for garbage (property)', (type) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 4096 }), (bytes, size) => {
        const code = errorCode(() => decompress(type, bytes, size));
        if (code !== undefined) expect(code).toBe('COMPRESSION_ERROR');
      }),
      { numRuns: 300 },
    );
  });

  it('refuses an unknown codec', () => {
    expect(errorCode(() => compress(9, Buffer.from('a')))).toBe('COMPRESSION_ERROR');
    expect(errorCode(() => decompress(9, Buffer.from('a'), 1))).toBe('COMPRESSION_ERROR');
  });
});
