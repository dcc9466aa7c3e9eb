/**
 * The index of one sealed segment, persisted beside it as `<n>.idx` when the segment rolls, so
 * that opening the store reads these small files instead of rescanning every segment's data.
 *
 * File layout (little-endian): [u32 magic][u32 count] then `count` rows of
 * [f64 ledgerId][f64 entryId][u32 recordOffset][u32 dataLength], then [u32 crc32c of all before].
 */
import { crc32c } from '@node-rs/crc32';

const MAGIC = 0x5844494d; // 'MIDX'
const HEAD_BYTES = 8;
const ROW_BYTES = 24;
const INITIAL_CAPACITY = 1024;

export interface SegmentIndexRow {
  ledgerId: number;
  entryId: number;
  recordOffset: number;
  dataLength: number;
}

/** Accumulates the durable entries of the segment being written, in log order. */
export class SegmentIndexBuilder {
  private ledgerIds = new Float64Array(INITIAL_CAPACITY);
  private entryIds = new Float64Array(INITIAL_CAPACITY);
  private offsets = new Uint32Array(INITIAL_CAPACITY);
  private lengths = new Uint32Array(INITIAL_CAPACITY);
  count = 0;

  constructor(readonly segment: number) {}

  push(ledgerId: number, entryId: number, recordOffset: number, dataLength: number): void {
    if (this.count === this.ledgerIds.length) this.grow();
    const i = this.count++;
    this.ledgerIds[i] = ledgerId;
    this.entryIds[i] = entryId;
    this.offsets[i] = recordOffset;
    this.lengths[i] = dataLength;
  }

  encode(): Buffer {
    const buf = Buffer.allocUnsafe(HEAD_BYTES + this.count * ROW_BYTES + 4);
    buf.writeUInt32LE(MAGIC, 0);
    buf.writeUInt32LE(this.count, 4);
    let at = HEAD_BYTES;
    for (let i = 0; i < this.count; i++) {
      buf.writeDoubleLE(this.ledgerIds[i], at);
      buf.writeDoubleLE(this.entryIds[i], at + 8);
      buf.writeUInt32LE(this.offsets[i], at + 16);
      buf.writeUInt32LE(this.lengths[i], at + 20);
      at += ROW_BYTES;
    }
    buf.writeUInt32LE(crc32c(buf.subarray(0, at)), at);
    return buf;
  }

  private grow(): void {
    const n = this.ledgerIds.length * 2;
    const f = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const u = (a: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> => {
      const b = new Uint32Array(n);
      b.set(a);
      return b;
    };
    this.ledgerIds = f(this.ledgerIds);
    this.entryIds = f(this.entryIds);
    this.offsets = u(this.offsets);
    this.lengths = u(this.lengths);
  }
}

/** Decodes an index file; returns false when it is damaged (the caller then rescans the segment). */
export function decodeSegmentIndex(buf: Buffer, onRow: (row: SegmentIndexRow) => void): boolean {
  if (buf.length < HEAD_BYTES + 4 || buf.readUInt32LE(0) !== MAGIC) return false;
  const count = buf.readUInt32LE(4);
  const end = HEAD_BYTES + count * ROW_BYTES;
  if (buf.length !== end + 4 || crc32c(buf.subarray(0, end)) !== buf.readUInt32LE(end)) return false;
  const row: SegmentIndexRow = { ledgerId: 0, entryId: 0, recordOffset: 0, dataLength: 0 };
  for (let at = HEAD_BYTES; at < end; at += ROW_BYTES) {
    row.ledgerId = buf.readDoubleLE(at);
    row.entryId = buf.readDoubleLE(at + 8);
    row.recordOffset = buf.readUInt32LE(at + 16);
    row.dataLength = buf.readUInt32LE(at + 20);
    onRow(row);
  }
  return true;
}
