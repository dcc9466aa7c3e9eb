import type { Position } from '../../storage/types.js';
import {
  decodeFixedHeader,
  decodeSegmentTable,
  encodeBucket,
  HEADER_BYTES,
  segmentTableBytes,
  type BucketHeader,
  type SegmentRecords,
} from './bucket-file.js';
import type { TimeHeap } from './time-heap.js';
import { newHeapItem } from './time-heap.js';

/**
 * One sealed bucket of a delayed-delivery index: a run of log positions whose held messages were
 * written to a file sorted by time. At most one of its segments is in memory (in the tracker's
 * shared heap); the next is loaded when its first message is about to be due.
 */
export class SealedBucket {
  /** Index of the next segment to load. */
  nextSegment: number;
  /** Messages of the loaded segment still in the shared heap. */
  inHeap = 0;
  /** Messages not yet handed out: those in the heap plus the unloaded segments. */
  remaining: number;
  loading = false;
  /** True once the file is durable; only then may the manifest name this bucket. */
  written = false;
  /** The sorted records while the file is being written, so loads need not wait for the disk. */
  unwritten: SegmentRecords | undefined;

  constructor(
    readonly id: number,
    readonly header: BucketHeader,
    consumedSegments: number,
  ) {
    this.nextSegment = consumedSegments;
    let left = 0;
    for (let s = consumedSegments; s < header.segments.length; s++) left += header.segments[s].count;
    this.remaining = left;
  }

  /** Segments already handed out completely (what a restart may skip). */
  get consumedSegments(): number {
    return this.inHeap > 0 || this.loading ? this.nextSegment - 1 : this.nextSegment;
  }

  /** Time of the first message of the segment to load next, Infinity when none is waiting. */
  get nextLoadTime(): number {
    if (this.inHeap > 0 || this.loading || this.nextSegment >= this.header.segments.length) return Infinity;
    return this.header.segments[this.nextSegment].minTime;
  }

  get done(): boolean {
    return this.remaining === 0;
  }

  /** The records of segment `s` from memory, if the file is not written yet. */
  segmentFromMemory(s: number): SegmentRecords | undefined {
    const all = this.unwritten;
    if (!all) return undefined;
    let lo = 0;
    for (let k = 0; k < s; k++) lo += this.header.segments[k].count;
    const hi = lo + this.header.segments[s].count;
    return {
      times: all.times.subarray(lo, hi),
      ledgers: all.ledgers.subarray(lo, hi),
      entries: all.entries.subarray(lo, hi),
    };
  }
}

/**
 * Drains `heap` (the in-memory bucket) into sorted records and the file bytes of a new bucket.
 * The header is decoded back from the bytes, so what the tracker uses is what a restart will read.
 */
export function sealHeap(
  heap: TimeHeap,
  id: number,
  first: Position,
  last: Position,
  perSegment: number,
): { bucket: SealedBucket; bytes: Buffer } {
  const n = heap.size;
  const records: SegmentRecords = {
    times: new Float64Array(n),
    ledgers: new Float64Array(n),
    entries: new Float64Array(n),
  };
  const item = newHeapItem();
  for (let i = 0; heap.pop(item); i++) {
    records.times[i] = item.time;
    records.ledgers[i] = item.ledgerId;
    records.entries[i] = item.entryId;
  }
  const bytes = encodeBucket(records, n, first, last, perSegment);
  const fixed = decodeFixedHeader(bytes);
  const header = decodeSegmentTable(
    bytes.subarray(HEADER_BYTES, HEADER_BYTES + segmentTableBytes(fixed.segCount)),
    fixed,
  );
  if (header.count !== n) throw new Error(`sealed bucket holds ${header.count} messages, expected ${n}`);
  const bucket = new SealedBucket(id, header, 0);
  bucket.unwritten = records;
  return { bucket, bytes };
}
