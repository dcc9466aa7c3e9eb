/**
 * Where each entry of one ledger lives: segment number, record offset and data length, in
 * growable typed arrays (12 bytes an entry) rather than objects, so millions of entries cost
 * little memory and no GC pressure. Entry ids are dense, so entry `i` sits at slot `i`.
 */

const INITIAL_CAPACITY = 8;

export class EntryIndex {
  private segments = new Uint32Array(INITIAL_CAPACITY);
  private offsets = new Uint32Array(INITIAL_CAPACITY);
  private lengths = new Uint32Array(INITIAL_CAPACITY);
  /** Number of entries indexed (= next entry id). */
  count = 0;
  /** Sum of data lengths. */
  bytes = 0;

  push(segment: number, recordOffset: number, dataLength: number): void {
    if (this.count === this.segments.length) this.grow();
    const i = this.count++;
    this.segments[i] = segment;
    this.offsets[i] = recordOffset;
    this.lengths[i] = dataLength;
    this.bytes += dataLength;
  }

  segment(entryId: number): number {
    return this.segments[entryId];
  }

  offset(entryId: number): number {
    return this.offsets[entryId];
  }

  dataLength(entryId: number): number {
    return this.lengths[entryId];
  }

  /** The distinct segments holding entries of this ledger (for segment GC). */
  distinctSegments(): Set<number> {
    const out = new Set<number>();
    for (let i = 0; i < this.count; i++) out.add(this.segments[i]);
    return out;
  }

  private grow(): void {
    const capacity = this.segments.length * 2;
    const grow = (a: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> => {
      const b = new Uint32Array(capacity);
      b.set(a);
      return b;
    };
    this.segments = grow(this.segments);
    this.offsets = grow(this.offsets);
    this.lengths = grow(this.lengths);
  }
}
