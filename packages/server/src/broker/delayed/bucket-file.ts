/**
 * The on-disk form of one sealed delayed-delivery bucket (after PIP-195's bucket snapshots, in our
 * own format): the held messages of a range of log positions, sorted by delivery time and cut
 * into segments, so that only the segment whose time is near needs to be in memory.
 *
 *   header (64 B):  magic "MGDB", version, count, segment count, first and last position (f64s),
 *                   CRC32C of the segment table, CRC32C of the header's first 52 bytes
 *   segment table:  per segment 24 B: min time f64, max time f64, count u32, CRC32C of its records
 *   records:        per message 24 B: deliverAt f64, ledgerId f64, entryId f64 (little-endian)
 *
 * Every part carries a checksum; a bucket that fails one is discarded and the index rebuilt from
 * the log (the index is derived data, the log stays the source of truth).
 */
import { crc32c } from '@magnetar/protocol';
import type { Position } from '../../storage/types.js';

const MAGIC = 0x4244474d; // "MGDB" read as little-endian u32
const VERSION = 1;
export const HEADER_BYTES = 64;
const SEGMENT_BYTES = 24;
const RECORD_BYTES = 24;

export interface SegmentInfo {
  readonly minTime: number;
  readonly maxTime: number;
  readonly count: number;
  readonly crc: number;
  /** Byte offset of the segment's first record in the file. */
  readonly offset: number;
}

export interface BucketHeader {
  readonly count: number;
  /** Positions covered by the bucket (inclusive); every held message in between is in it. */
  readonly first: Position;
  readonly last: Position;
  readonly segments: readonly SegmentInfo[];
}

/** A segment's records in time order. */
export interface SegmentRecords {
  readonly times: Float64Array;
  readonly ledgers: Float64Array;
  readonly entries: Float64Array;
}

export class BucketFormatError extends Error {
  override name = 'BucketFormatError';
}

/** Serialises `count` records already sorted by time into segments of at most `perSegment`. */
export function encodeBucket(
  records: SegmentRecords,
  count: number,
  first: Position,
  last: Position,
  perSegment: number,
): Buffer {
  const segCount = Math.ceil(count / perSegment);
  const tableStart = HEADER_BYTES;
  const recordStart = tableStart + segCount * SEGMENT_BYTES;
  const buf = Buffer.alloc(recordStart + count * RECORD_BYTES);
  for (let i = 0; i < count; i++) {
    const o = recordStart + i * RECORD_BYTES;
    buf.writeDoubleLE(records.times[i], o);
    buf.writeDoubleLE(records.ledgers[i], o + 8);
    buf.writeDoubleLE(records.entries[i], o + 16);
  }
  for (let s = 0; s < segCount; s++) {
    const lo = s * perSegment;
    const hi = Math.min(count, lo + perSegment);
    const o = tableStart + s * SEGMENT_BYTES;
    buf.writeDoubleLE(records.times[lo], o);
    buf.writeDoubleLE(records.times[hi - 1], o + 8);
    buf.writeUInt32LE(hi - lo, o + 16);
    buf.writeUInt32LE(
      crc32c(buf.subarray(recordStart + lo * RECORD_BYTES, recordStart + hi * RECORD_BYTES)),
      o + 20,
    );
  }
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt32LE(VERSION, 4);
  buf.writeUInt32LE(count, 8);
  buf.writeUInt32LE(segCount, 12);
  buf.writeDoubleLE(first.ledgerId, 16);
  buf.writeDoubleLE(first.entryId, 24);
  buf.writeDoubleLE(last.ledgerId, 32);
  buf.writeDoubleLE(last.entryId, 40);
  buf.writeUInt32LE(crc32c(buf.subarray(tableStart, recordStart)), 48);
  buf.writeUInt32LE(crc32c(buf.subarray(0, 52)), 52);
  return buf;
}

/** Reads the fixed header: how many segments follow (the table is read next). */
export function decodeFixedHeader(buf: Buffer): {
  count: number;
  segCount: number;
  first: Position;
  last: Position;
  tableCrc: number;
} {
  if (buf.length < HEADER_BYTES) throw new BucketFormatError('bucket file shorter than its header');
  if (buf.readUInt32LE(0) !== MAGIC) throw new BucketFormatError('not a delayed-delivery bucket file');
  if (buf.readUInt32LE(52) !== crc32c(buf.subarray(0, 52)))
    throw new BucketFormatError('bucket header checksum mismatch');
  if (buf.readUInt32LE(4) !== VERSION)
    throw new BucketFormatError(`unknown bucket version ${buf.readUInt32LE(4)}`);
  return {
    count: buf.readUInt32LE(8),
    segCount: buf.readUInt32LE(12),
    first: { ledgerId: buf.readDoubleLE(16), entryId: buf.readDoubleLE(24) },
    last: { ledgerId: buf.readDoubleLE(32), entryId: buf.readDoubleLE(40) },
    tableCrc: buf.readUInt32LE(48),
  };
}

export function segmentTableBytes(segCount: number): number {
  return segCount * SEGMENT_BYTES;
}

/** Decodes the segment table that follows the fixed header. */
export function decodeSegmentTable(table: Buffer, fixed: ReturnType<typeof decodeFixedHeader>): BucketHeader {
  if (table.length !== fixed.segCount * SEGMENT_BYTES || crc32c(table) !== fixed.tableCrc) {
    throw new BucketFormatError('bucket segment table checksum mismatch');
  }
  const segments: SegmentInfo[] = [];
  let offset = HEADER_BYTES + table.length;
  let total = 0;
  for (let s = 0; s < fixed.segCount; s++) {
    const o = s * SEGMENT_BYTES;
    const count = table.readUInt32LE(o + 16);
    segments.push({
      minTime: table.readDoubleLE(o),
      maxTime: table.readDoubleLE(o + 8),
      count,
      crc: table.readUInt32LE(o + 20),
      offset,
    });
    offset += count * RECORD_BYTES;
    total += count;
  }
  if (total !== fixed.count) throw new BucketFormatError('bucket segment counts do not add up');
  return { count: fixed.count, first: fixed.first, last: fixed.last, segments };
}

export function segmentBytes(seg: SegmentInfo): number {
  return seg.count * RECORD_BYTES;
}

/** Decodes one segment's records, checking its checksum. */
export function decodeSegment(bytes: Buffer, seg: SegmentInfo): SegmentRecords {
  if (bytes.length !== seg.count * RECORD_BYTES || crc32c(bytes) !== seg.crc) {
    throw new BucketFormatError('bucket segment checksum mismatch');
  }
  const times = new Float64Array(seg.count);
  const ledgers = new Float64Array(seg.count);
  const entries = new Float64Array(seg.count);
  for (let i = 0; i < seg.count; i++) {
    const o = i * RECORD_BYTES;
    times[i] = bytes.readDoubleLE(o);
    ledgers[i] = bytes.readDoubleLE(o + 8);
    entries[i] = bytes.readDoubleLE(o + 16);
  }
  return { times, ledgers, entries };
}
