import type { Position } from '../../storage/types.js';

/**
 * A FIFO of log positions in two growable typed arrays (16 bytes an entry, no object per entry).
 * Positions are pushed in log order, so the queue also stays sorted and can be trimmed from the
 * head up to a position.
 */
export class PositionQueue {
  private ledgers: Float64Array;
  private entries: Float64Array;
  private head = 0;
  private tail = 0;

  constructor(initialCapacity = 64) {
    this.ledgers = new Float64Array(initialCapacity);
    this.entries = new Float64Array(initialCapacity);
  }

  get size(): number {
    return this.tail - this.head;
  }

  /** Bytes held by the arrays (stats, bench). */
  get bytes(): number {
    return this.ledgers.byteLength + this.entries.byteLength;
  }

  push(p: Position): void {
    if (this.tail === this.ledgers.length) this.makeRoom();
    this.ledgers[this.tail] = p.ledgerId;
    this.entries[this.tail] = p.entryId;
    this.tail++;
  }

  /** The oldest position, undefined when empty. */
  shift(): Position | undefined {
    if (this.head === this.tail) return undefined;
    const p = { ledgerId: this.ledgers[this.head], entryId: this.entries[this.head] };
    this.head++;
    if (this.head === this.tail) this.head = this.tail = 0;
    return p;
  }

  /** Drops every position at or before `p` (acknowledged cumulatively). */
  dropUpTo(p: Position): void {
    while (this.head < this.tail) {
      const l = this.ledgers[this.head];
      if (l > p.ledgerId || (l === p.ledgerId && this.entries[this.head] > p.entryId)) break;
      this.head++;
    }
    if (this.head === this.tail) this.head = this.tail = 0;
  }

  clear(): void {
    this.head = this.tail = 0;
  }

  /** Moves the live part to the front, and doubles the arrays if that frees less than a quarter. */
  private makeRoom(): void {
    const n = this.size;
    const cap = this.ledgers.length;
    const target = n > cap * 0.75 ? cap * 2 : cap;
    const ledgers = target === cap ? this.ledgers : new Float64Array(target);
    const entries = target === cap ? this.entries : new Float64Array(target);
    // TypedArray.set copies correctly even when source and target share a buffer.
    ledgers.set(this.ledgers.subarray(this.head, this.tail));
    entries.set(this.entries.subarray(this.head, this.tail));
    this.ledgers = ledgers;
    this.entries = entries;
    this.head = 0;
    this.tail = n;
  }
}
