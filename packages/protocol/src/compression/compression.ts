import { createRequire } from 'node:module';
import { deflateSync, inflateSync } from 'node:zlib';
import type * as Lz4 from 'lz4-napi';
import type * as Snappy from 'snappy';
import type * as Zstd from 'zstd-napi';
import type * as ZstdBinding from 'zstd-napi/binding.js';
import { ProtocolError } from '../errors.js';
import { CompressionType } from '../schema/enums.js';

/*
 * The native codecs (lz4-napi, snappy, zstd-napi) are loaded on first use rather than at import: each
 * costs about 10 ms of start-up, and most brokers and clients never see a compressed batch. The
 * imports above are type-only; `require` is synchronous, so compress/decompress stay synchronous.
 */
const requireCodec = createRequire(import.meta.url);
let lz4: typeof Lz4 | undefined;
let snappy: typeof Snappy | undefined;
let zstd: typeof Zstd | undefined;
let zstdBinding: typeof ZstdBinding | undefined;

function loadLz4(): typeof Lz4 {
  return (lz4 ??= requireCodec('lz4-napi') as typeof Lz4);
}

function loadSnappy(): typeof Snappy {
  return (snappy ??= requireCodec('snappy') as typeof Snappy);
}

function loadZstd(): typeof Zstd {
  return (zstd ??= requireCodec('zstd-napi') as typeof Zstd);
}

function loadZstdBinding(): typeof ZstdBinding {
  return (zstdBinding ??= requireCodec('zstd-napi/binding.js') as typeof ZstdBinding);
}

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
      return loadLz4().compressSync(input).subarray(4);
    case CompressionType.ZLIB:
      return deflateSync(input);
    case CompressionType.ZSTD:
      return loadZstd().compress(input);
    case CompressionType.SNAPPY:
      return loadSnappy().compressSync(input);
    default:
      throw fail(`unknown compression type ${type}`);
  }
}

function decompressLz4(input: Buffer, size: number): Buffer {
  // Give lz4-napi the size prefix it expects; it sizes its output buffer from it.
  const prefixed = Buffer.allocUnsafe(4 + input.length);
  prefixed.writeUInt32LE(size, 0);
  input.copy(prefixed, 4);
  return loadLz4().uncompressSync(prefixed);
}

function decompressSnappy(input: Buffer, size: number): Buffer {
  // The raw format starts with the uncompressed length; refuse before allocating anything.
  const declared = snappyDeclaredLength(input);
  if (declared !== size) throw fail(`snappy block declares ${declared} bytes, metadata ${size}`);
  return loadSnappy().uncompressSync(input) as Buffer;
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
  const written = loadZstdBinding().decompress(out, input);
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
