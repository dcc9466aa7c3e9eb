import { deflateSync, inflateSync } from 'node:zlib';
import { compressSync as lz4Compress, uncompressSync as lz4Uncompress } from 'lz4-napi';
import { compressSync as snappyCompress, uncompressSync as snappyUncompress } from 'snappy';
import { compress as zstdCompress } from 'zstd-napi';
import zstdBinding from 'zstd-napi/binding.js';
import { ProtocolError } from '../errors.js';
import { CompressionType } from '../schema/enums.js';

/**
 * Payload codecs in the formats Pulsar clients write (checked against the captured C++ frames):
 * LZ4 a raw block with no size prefix, ZLIB a zlib stream, ZSTD a zstd frame, SNAPPY a raw
 * snappy block (varint length prefix, no framing). MessageMetadata.uncompressed_size gives the
 * output size, which every decoder here uses to bound its output before decompressing.
 */

/** Default cap on a declared uncompressed size: well above any legal 5 MiB batch. */
export const MAX_UNCOMPRESSED_SIZE_DEFAULT = 64 * 1024 * 1024;

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function fail(message: string, cause?: unknown): ProtocolError {
  return new ProtocolError('COMPRESSION_ERROR', message, cause === undefined ? undefined : { cause });
}

export function compress(type: number, data: Uint8Array): Buffer {
  const input = asBuffer(data);
  switch (type) {
    case CompressionType.NONE:
      return input;
    case CompressionType.LZ4:
      // lz4-napi prepends the uncompressed length as 4 little-endian bytes; Pulsar does not.
      return lz4Compress(input).subarray(4);
    case CompressionType.ZLIB:
      return deflateSync(input);
    case CompressionType.ZSTD:
      return zstdCompress(input);
    case CompressionType.SNAPPY:
      return snappyCompress(input);
    default:
      throw fail(`unknown compression type ${type}`);
  }
}

function decompressLz4(input: Buffer, size: number): Buffer {
  // Give lz4-napi the size prefix it expects; it sizes its output buffer from it.
  const prefixed = Buffer.allocUnsafe(4 + input.length);
  prefixed.writeUInt32LE(size, 0);
  input.copy(prefixed, 4);
  return lz4Uncompress(prefixed);
}

function decompressSnappy(input: Buffer, size: number): Buffer {
  // The raw format starts with the uncompressed length; refuse before allocating anything.
  const declared = snappyDeclaredLength(input);
  if (declared !== size) throw fail(`snappy block declares ${declared} bytes, metadata ${size}`);
  return snappyUncompress(input) as Buffer;
}

/** Reads the varint that opens a raw snappy block; -1 if it is missing or longer than 5 bytes. */
function snappyDeclaredLength(input: Buffer): number {
  let value = 0;
  for (let i = 0; i < 5 && i < input.length; i++) {
    value += (input[i] & 0x7f) * 2 ** (7 * i);
    if (input[i] < 0x80) return value;
  }
  return -1;
}

function decompressZstd(input: Buffer, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  const written = zstdBinding.decompress(out, input);
  return written === size ? out : out.subarray(0, written);
}

function decompressRaw(type: number, input: Buffer, size: number): Buffer {
  switch (type) {
    case CompressionType.LZ4:
      return decompressLz4(input, size);
    case CompressionType.ZLIB:
      // maxOutputLength makes zlib stop at the declared size instead of inflating a bomb.
      return inflateSync(input, { maxOutputLength: Math.max(size, 1) });
    case CompressionType.ZSTD:
      return decompressZstd(input, size);
    case CompressionType.SNAPPY:
      return decompressSnappy(input, size);
    default:
      throw fail(`unknown compression type ${type}`);
  }
}

/**
 * Decompresses `data` to exactly `uncompressedSize` bytes. Refuses a declared size above
 * `maxUncompressedSize` and any output of another length with ProtocolError('COMPRESSION_ERROR').
 */
export function decompress(
  type: number,
  data: Uint8Array,
  uncompressedSize: number,
  maxUncompressedSize = MAX_UNCOMPRESSED_SIZE_DEFAULT,
): Buffer {
  const input = asBuffer(data);
  if (type === CompressionType.NONE) return input;
  if (!Number.isInteger(uncompressedSize) || uncompressedSize < 0) {
    throw fail(`bad uncompressed size ${uncompressedSize}`);
  }
  if (uncompressedSize > maxUncompressedSize) {
    throw fail(`uncompressed size ${uncompressedSize} exceeds the limit of ${maxUncompressedSize}`);
  }
  let out: Buffer;
  try {
    out = decompressRaw(type, input, uncompressedSize);
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw fail(`${compressionName(type)} payload does not decompress`, err);
  }
  if (out.length !== uncompressedSize) {
    throw fail(`${compressionName(type)} payload gave ${out.length} bytes, expected ${uncompressedSize}`);
  }
  return out;
}

function compressionName(type: number): string {
  for (const [name, value] of Object.entries(CompressionType)) if (value === type) return name;
  return `compression ${type}`;
}
