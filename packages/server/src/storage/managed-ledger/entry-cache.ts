/**
 * The factory-wide cache of recently appended entries, so that consumers tailing a topic read from
 * memory. One byte budget is shared by every ledger of the factory (DESIGN.md: bounded broker
 * memory for read caches). Eviction is first-in first-out: the entries appended longest ago go
 * first, which is what tailing readers need least. Reads from the ledger store never fill the
 * cache, so a slow consumer replaying old data costs disk reads, not memory.
 *
 * Because appends to a ledger arrive in entry order and eviction is FIFO, the cached entries of one
 * ledger always form a contiguous window [lo, hi]; invalidating a ledger walks only that window.
 */
export class EntryCache {
  private readonly entries = new Map<string, Buffer>();
  private readonly windows = new Map<number, { lo: number; hi: number }>();
  private bytes = 0;
  /**
   * Insertion order, kept apart from the Map: asking a Map for its first key after many deletions
   * from its front walks over every deleted slot (V8 keeps them until it rehashes), which made
   * eviction quadratic under a steady publish load. Keys dropped by invalidateLedger stay here and
   * are skipped when they reach the head.
   */
  private order: string[] = [];
  private head = 0;

  constructor(readonly maxBytes: number) {}

  get sizeBytes(): number {
    return this.bytes;
  }

  get count(): number {
    return this.entries.size;
  }

  put(ledgerId: number, entryId: number, data: Buffer): void {
    if (data.length > this.maxBytes) return;
    const key = keyOf(ledgerId, entryId);
    if (this.entries.has(key)) return;
    this.entries.set(key, data);
    this.order.push(key);
    this.bytes += data.length;
    const w = this.windows.get(ledgerId);
    if (!w) this.windows.set(ledgerId, { lo: entryId, hi: entryId });
    else {
      w.lo = Math.min(w.lo, entryId);
      w.hi = Math.max(w.hi, entryId);
    }
    this.evict();
  }

  get(ledgerId: number, entryId: number): Buffer | undefined {
    return this.entries.get(keyOf(ledgerId, entryId));
  }

  /** Drops every cached entry of a ledger (trimmed, deleted or closed). */
  invalidateLedger(ledgerId: number): void {
    const w = this.windows.get(ledgerId);
    if (!w) return;
    for (let e = w.lo; e <= w.hi; e++) this.drop(keyOf(ledgerId, e));
    this.windows.delete(ledgerId);
  }

  private evict(): void {
    while (this.bytes > this.maxBytes) {
      if (this.head >= this.order.length) return;
      const key = this.order[this.head++];
      if (!this.entries.has(key)) continue;
      this.drop(key);
      const [ledgerId, entryId] = key.split(':').map(Number);
      const w = this.windows.get(ledgerId);
      if (!w) continue;
      if (w.lo >= w.hi) this.windows.delete(ledgerId);
      else w.lo = Math.max(w.lo, entryId + 1);
    }
    // Forget the consumed prefix now and then, so the queue stays proportional to the cache.
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }

  private drop(key: string): void {
    const data = this.entries.get(key);
    if (data === undefined) return;
    this.entries.delete(key);
    this.bytes -= data.length;
  }
}

function keyOf(ledgerId: number, entryId: number): string {
  return `${ledgerId}:${entryId}`;
}
