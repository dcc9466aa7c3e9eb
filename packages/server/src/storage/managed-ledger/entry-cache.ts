/**
 * The cached entries of one ledger: a dense window of entry ids. `slots[i]` holds entry `base + i`;
 * slots before `head` were evicted. Appends to a ledger arrive in entry order and eviction is FIFO,
 * so the window only grows at its end and shrinks at its front, and an entry is found by
 * subtraction instead of hashing a key.
 */
class LedgerWindow {
  slots: (Buffer | undefined)[] = [];
  head = 0;
  /** Cached entries in the window (slots from `head` on that hold a buffer). */
  count = 0;
  /** Set when the ledger was invalidated or emptied: eviction skips its leftover FIFO records. */
  dead = false;

  constructor(
    readonly ledgerId: number,
    public base: number,
  ) {}

  /** The next entry id the window can take at its end. */
  get end(): number {
    return this.base + this.slots.length;
  }

  get(entryId: number): Buffer | undefined {
    const i = entryId - this.base;
    return i >= this.head && i < this.slots.length ? this.slots[i] : undefined;
  }

  /** Removes entry `entryId` and returns it; advances the front past evicted slots. */
  take(entryId: number): Buffer | undefined {
    const i = entryId - this.base;
    if (i < this.head || i >= this.slots.length) return undefined;
    const data = this.slots[i];
    if (data === undefined) return undefined;
    this.slots[i] = undefined;
    this.count--;
    while (this.head < this.slots.length && this.slots[this.head] === undefined) this.head++;
    // Forget the evicted front now and then, so the array stays proportional to what is cached.
    if (this.head > 1024 && this.head * 2 > this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
    return data;
  }
}

/**
 * A put may leave at most this many empty slots before it (entries skipped because they were
 * larger than the whole cache). A larger jump, or an entry before the window, is simply not
 * cached: appends never do that, and a read of an uncached entry goes to the ledger store.
 */
const MAX_GAP_ENTRIES = 64;

/**
 * The factory-wide cache of recently appended entries, so that consumers tailing a topic read from
 * memory. One byte budget is shared by every ledger of the factory (DESIGN.md: bounded broker
 * memory for read caches). Eviction is first-in first-out: the entries appended longest ago go
 * first, which is what tailing readers need least. Reads from the ledger store never fill the
 * cache, so a slow consumer replaying old data costs disk reads, not memory.
 *
 * Because appends to a ledger arrive in entry order and eviction is FIFO, the cached entries of one
 * ledger always form a contiguous window (a `LedgerWindow`, indexed by entry id); the FIFO is a
 * queue of (window, entry id) pairs in two parallel arrays. No string key is built per entry: with
 * one message per entry, building and hashing `"ledger:entry"` keys took ~15% of the broker's time.
 */
export class EntryCache {
  private readonly windows = new Map<number, LedgerWindow>();
  /** The window of the last put, which the next put almost always needs again. */
  private lastWindow: LedgerWindow | undefined;
  private bytes = 0;
  private entries = 0;
  /**
   * Insertion order: `orderWindows[i]` and `orderEntries[i]` name the i-th entry put. Records of
   * entries already dropped (their window invalidated) are skipped when they reach the head.
   */
  private orderWindows: LedgerWindow[] = [];
  private orderEntries: number[] = [];
  private head = 0;

  constructor(readonly maxBytes: number) {}

  get sizeBytes(): number {
    return this.bytes;
  }

  get count(): number {
    return this.entries;
  }

  put(ledgerId: number, entryId: number, data: Buffer): void {
    if (data.length > this.maxBytes) return;
    let w = this.lastWindow;
    if (w === undefined || w.ledgerId !== ledgerId || w.dead) {
      w = this.windows.get(ledgerId);
      if (w === undefined) {
        w = new LedgerWindow(ledgerId, entryId);
        this.windows.set(ledgerId, w);
      }
      this.lastWindow = w;
    }
    const i = entryId - w.base;
    if (i === w.slots.length) w.slots.push(data);
    else if (i > w.slots.length && i - w.slots.length <= MAX_GAP_ENTRIES) {
      while (w.slots.length < i) w.slots.push(undefined);
      w.slots.push(data);
    } else if (i >= w.head && i < w.slots.length && w.slots[i] === undefined) {
      // A hole in the window (never a slot before the front: its FIFO record is gone).
      w.slots[i] = data;
    } else {
      return;
    }
    w.count++;
    this.entries++;
    this.bytes += data.length;
    this.orderWindows.push(w);
    this.orderEntries.push(entryId);
    this.evict();
  }

  get(ledgerId: number, entryId: number): Buffer | undefined {
    const w =
      this.lastWindow !== undefined && this.lastWindow.ledgerId === ledgerId && !this.lastWindow.dead
        ? this.lastWindow
        : this.windows.get(ledgerId);
    return w?.get(entryId);
  }

  /** Drops every cached entry of a ledger (trimmed, deleted or closed). */
  invalidateLedger(ledgerId: number): void {
    const w = this.windows.get(ledgerId);
    if (!w) return;
    for (let i = w.head; i < w.slots.length; i++) {
      const data = w.slots[i];
      if (data !== undefined) this.bytes -= data.length;
    }
    this.entries -= w.count;
    this.retire(w);
  }

  private evict(): void {
    while (this.bytes > this.maxBytes) {
      if (this.head >= this.orderWindows.length) return;
      const w = this.orderWindows[this.head];
      const entryId = this.orderEntries[this.head];
      this.head++;
      if (w.dead) continue;
      const data = w.take(entryId);
      if (data === undefined) continue;
      this.bytes -= data.length;
      this.entries--;
      if (w.count === 0) this.retire(w);
    }
    // Forget the consumed prefix now and then, so the queue stays proportional to the cache.
    if (this.head > 1024 && this.head * 2 > this.orderWindows.length) {
      this.orderWindows = this.orderWindows.slice(this.head);
      this.orderEntries = this.orderEntries.slice(this.head);
      this.head = 0;
    }
  }

  /** Forgets a window that holds nothing any more; its FIFO records become no-ops. */
  private retire(w: LedgerWindow): void {
    w.dead = true;
    w.slots = [];
    w.count = 0;
    this.windows.delete(w.ledgerId);
    if (this.lastWindow === w) this.lastWindow = undefined;
  }
}
