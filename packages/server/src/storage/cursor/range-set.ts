/**
 * A set of acknowledged entries kept as sorted, disjoint, inclusive ranges of entry ids within one
 * ledger each (Pulsar keeps its individuallyDeletedMessages the same way). Adjacent ids of the same
 * ledger merge on insert, so a consumer that acks mostly in order costs a handful of ranges, not
 * one record per message. Lookups and inserts find their place by binary search; an insert that
 * creates a new range shifts the array, which stays cheap because the cursor caps the range count.
 *
 * Ranges never span ledgers: whether (L, last) and (L', 0) are adjacent depends on which ledgers
 * exist, which only the managed ledger knows; the cursor bridges that when it advances markDelete.
 */

export interface AckRange {
  readonly ledgerId: number;
  /** First acknowledged entry id, inclusive. */
  readonly first: number;
  /** Last acknowledged entry id, inclusive. */
  readonly last: number;
}

interface MutableRange {
  ledgerId: number;
  first: number;
  last: number;
}

export class RangeSet {
  private ranges: MutableRange[] = [];
  private count = 0;

  /** Number of ranges. */
  get rangeCount(): number {
    return this.ranges.length;
  }

  /** Number of entries in all ranges. */
  get size(): number {
    return this.count;
  }

  contains(ledgerId: number, entryId: number): boolean {
    const r = this.ranges[this.lowerBound(ledgerId, entryId)];
    return r !== undefined && r.ledgerId === ledgerId && r.first <= entryId;
  }

  /** Adds one entry; returns false if it was already present. */
  add(ledgerId: number, entryId: number): boolean {
    return this.addRange(ledgerId, entryId, entryId) > 0;
  }

  /** Adds first..last of one ledger; returns how many entries were new. */
  addRange(ledgerId: number, first: number, last: number): number {
    if (first > last) return 0;
    // Every range that overlaps or touches [first-1, last+1] of this ledger merges with the new one.
    const i = this.lowerBound(ledgerId, first - 1);
    let j = i;
    let mergedFirst = first;
    let mergedLast = last;
    let absorbed = 0;
    while (j < this.ranges.length) {
      const r = this.ranges[j];
      if (r.ledgerId !== ledgerId || r.first > last + 1) break;
      mergedFirst = Math.min(mergedFirst, r.first);
      mergedLast = Math.max(mergedLast, r.last);
      absorbed += r.last - r.first + 1;
      j++;
    }
    const added = mergedLast - mergedFirst + 1 - absorbed;
    if (j === i) this.ranges.splice(i, 0, { ledgerId, first: mergedFirst, last: mergedLast });
    else {
      this.ranges[i] = { ledgerId, first: mergedFirst, last: mergedLast };
      if (j > i + 1) this.ranges.splice(i + 1, j - i - 1);
    }
    this.count += added;
    return added;
  }

  /** The lowest range, if any. */
  first(): AckRange | undefined {
    return this.ranges[0];
  }

  /** Removes every entry at or before (ledgerId, entryId). */
  removeUpTo(ledgerId: number, entryId: number): void {
    // Index of the first range that has anything after the cut.
    const i = this.lowerBound(ledgerId, entryId + 1);
    for (let k = 0; k < i; k++) this.count -= this.ranges[k].last - this.ranges[k].first + 1;
    if (i > 0) this.ranges.splice(0, i);
    const head = this.ranges[0];
    if (head && head.ledgerId === ledgerId && head.first <= entryId) {
      this.count -= entryId - head.first + 1;
      head.first = entryId + 1;
    }
  }

  clear(): void {
    this.ranges = [];
    this.count = 0;
  }

  /** The ranges in order (copies; at most `limit`). */
  toArray(limit = Infinity): AckRange[] {
    const n = Math.min(limit, this.ranges.length);
    const out: AckRange[] = new Array<AckRange>(n);
    for (let k = 0; k < n; k++) out[k] = { ...this.ranges[k] };
    return out;
  }

  /** Index of the first range whose (ledgerId, last) is ≥ (ledgerId, entryId). */
  private lowerBound(ledgerId: number, entryId: number): number {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const r = this.ranges[mid];
      if (r.ledgerId < ledgerId || (r.ledgerId === ledgerId && r.last < entryId)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
