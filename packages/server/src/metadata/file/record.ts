/**
 * The on-disk record of the file metadata store, used both in the append-only log and in snapshots:
 *
 *   u32 bodyLength | u32 crc32c(body) | body
 *   body = u8 kind | u32 pathLength | path (UTF-8) | [put only: f64 version | f64 createdMs |
 *          f64 modifiedMs | u32 valueLength | value]
 *
 * A put carries the node's full Stat, so replaying a record sets the key exactly as it was and
 * replay is idempotent. Little-endian throughout. The checksum lets recovery tell a torn or
 * garbled tail (a crash mid-write) from a complete record.
 */
import { crc32c } from '@node-rs/crc32';
import type { Stat } from '../types.js';

export type MetadataRecord =
  | { readonly kind: 'put'; readonly path: string; readonly value: Buffer; readonly stat: Stat }
  | { readonly kind: 'delete'; readonly path: string };

const KIND_PUT = 1;
const KIND_DELETE = 2;
const FRAME_HEADER_BYTES = 8;
/** Refuses absurd lengths from garbage instead of allocating them. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export function encodeRecord(r: MetadataRecord): Buffer {
  const pathBytes = Buffer.byteLength(r.path, 'utf8');
  const bodyLength = 1 + 4 + pathBytes + (r.kind === 'put' ? 8 * 3 + 4 + r.value.length : 0);
  if (bodyLength > MAX_BODY_BYTES) throw new RangeError(`metadata record for ${r.path} is too large`);
  const buf = Buffer.allocUnsafe(FRAME_HEADER_BYTES + bodyLength);
  let at = FRAME_HEADER_BYTES;
  buf.writeUInt8(r.kind === 'put' ? KIND_PUT : KIND_DELETE, at);
  buf.writeUInt32LE(pathBytes, at + 1);
  at += 5;
  at += buf.write(r.path, at, 'utf8');
  if (r.kind === 'put') {
    buf.writeDoubleLE(r.stat.version, at);
    buf.writeDoubleLE(r.stat.createdMs, at + 8);
    buf.writeDoubleLE(r.stat.modifiedMs, at + 16);
    buf.writeUInt32LE(r.value.length, at + 24);
    r.value.copy(buf, at + 28);
  }
  buf.writeUInt32LE(bodyLength, 0);
  buf.writeUInt32LE(crc32c(buf.subarray(FRAME_HEADER_BYTES)), 4);
  return buf;
}

export interface DecodeResult {
  readonly records: MetadataRecord[];
  /** Bytes of complete, valid records from the start; anything after is a torn or corrupt tail. */
  readonly validBytes: number;
}

/** Decodes records from the start of `buf`, stopping at the first incomplete or corrupt one. */
export function decodeRecords(buf: Buffer): DecodeResult {
  const records: MetadataRecord[] = [];
  let at = 0;
  while (at + FRAME_HEADER_BYTES <= buf.length) {
    const bodyLength = buf.readUInt32LE(at);
    if (bodyLength < 5 || bodyLength > MAX_BODY_BYTES || at + FRAME_HEADER_BYTES + bodyLength > buf.length)
      break;
    const body = buf.subarray(at + FRAME_HEADER_BYTES, at + FRAME_HEADER_BYTES + bodyLength);
    if (crc32c(body) !== buf.readUInt32LE(at + 4)) break;
    const record = decodeBody(body);
    if (!record) break;
    records.push(record);
    at += FRAME_HEADER_BYTES + bodyLength;
  }
  return { records, validBytes: at };
}

function decodeBody(body: Buffer): MetadataRecord | null {
  const kind = body.readUInt8(0);
  const pathBytes = body.readUInt32LE(1);
  if (5 + pathBytes > body.length) return null;
  const path = body.toString('utf8', 5, 5 + pathBytes);
  const at = 5 + pathBytes;
  if (kind === KIND_DELETE) return at === body.length ? { kind: 'delete', path } : null;
  if (kind !== KIND_PUT || at + 28 > body.length) return null;
  const valueLength = body.readUInt32LE(at + 24);
  if (at + 28 + valueLength !== body.length) return null;
  const stat: Stat = {
    version: body.readDoubleLE(at),
    createdMs: body.readDoubleLE(at + 8),
    modifiedMs: body.readDoubleLE(at + 16),
    ephemeral: false,
  };
  // Copy out of the file buffer so one small value does not pin the whole file in memory.
  return { kind: 'put', path, value: Buffer.from(body.subarray(at + 28)), stat };
}
