/**
 * A binary min-heap of (deliverAt, ledgerId, entryId, tag) kept in parallel typed arrays: 28 bytes
 * a message and no object per message, so a million held messages cost tens of megabytes at most
 * and nothing for the garbage collector to walk. Ties on time pop in position order.
 */
export class TimeHeap {
  private time: Float64Array;
  private ledger: Float64Array;
  private entry: Float64Array;
  private tags: Int32Array;
  private n = 0;

  constructor(initialCapacity = 1024) {
    const cap = Math.max(16, initialCapacity);
    this.time = new Float64Array(cap);
    this.ledger = new Float64Array(cap);
    this.entry = new Float64Array(cap);
    this.tags = new Int32Array(cap);
  }

  get size(): number {
    return this.n;
  }

  /** Bytes held by the arrays (stats: delayedMessageIndexSizeInBytes). */
  get bytes(): number {
    return this.time.length * 28;
  }

  /** Earliest time, or Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? this.time[0] : Infinity;
  }

  peekTag(): number {
    return this.tags[0];
  }

  push(time: number, ledgerId: number, entryId: number, tag = -1): void {
    if (this.n === this.time.length) this.grow();
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(time, ledgerId, entryId, this.time[parent], this.ledger[parent], this.entry[parent])) break;
      this.move(parent, i);
      i = parent;
    }
    this.set(i, time, ledgerId, entryId, tag);
  }

  /** Removes the earliest element into `out`; false when empty. */
  pop(out: HeapItem): boolean {
    if (this.n === 0) return false;
    out.time = this.time[0];
    out.ledgerId = this.ledger[0];
    out.entryId = this.entry[0];
    out.tag = this.tags[0];
    const last = --this.n;
    if (last > 0) this.siftDown(last);
    return true;
  }

  clear(): void {
    this.n = 0;
  }

  /** Releases memory beyond `capacity` once the heap has shrunk (e.g. after sealing a bucket). */
  shrinkTo(capacity: number): void {
    const cap = Math.max(16, capacity, this.n);
    if (cap >= this.time.length) return;
    this.resize(cap);
  }

  private siftDown(from: number): void {
    const t = this.time[from];
    const l = this.ledger[from];
    const e = this.entry[from];
    const g = this.tags[from];
    let i = 0;
    const n = this.n;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.beforeAt(child + 1, child)) child++;
      if (!before(this.time[child], this.ledger[child], this.entry[child], t, l, e)) break;
      this.move(child, i);
      i = child;
    }
    this.set(i, t, l, e, g);
  }

  private beforeAt(i: number, j: number): boolean {
    return before(this.time[i], this.ledger[i], this.entry[i], this.time[j], this.ledger[j], this.entry[j]);
  }

  private move(from: number, to: number): void {
    this.set(to, this.time[from], this.ledger[from], this.entry[from], this.tags[from]);
  }

  private set(i: number, t: number, l: number, e: number, g: number): void {
    this.time[i] = t;
    this.ledger[i] = l;
    this.entry[i] = e;
    this.tags[i] = g;
  }

  private grow(): void {
    // 1.5x growth keeps the transient peak (old + new arrays) below 2.5x the live size.
    this.resize(Math.ceil(this.time.length * 1.5));
  }

  private resize(cap: number): void {
    const copy = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a.subarray(0, this.n));
      return b;
    };
    this.time = copy(this.time, (k) => new Float64Array(k));
    this.ledger = copy(this.ledger, (k) => new Float64Array(k));
    this.entry = copy(this.entry, (k) => new Float64Array(k));
    this.tags = copy(this.tags, (k) => new Int32Array(k));
  }
}

/** Orders by time, then position. */
function before(t: number, l: number, e: number, t2: number, l2: number, e2: number): boolean {
  return t !== t2 ? t < t2 : l !== l2 ? l < l2 : e < e2;
}

/** Out-parameter of TimeHeap.pop (reused to avoid an allocation per message). */
export interface HeapItem {
  time: number;
  ledgerId: number;
  entryId: number;
  tag: number;
}

export function newHeapItem(): HeapItem {
  return { time: 0, ledgerId: 0, entryId: 0, tag: 0 };
}
