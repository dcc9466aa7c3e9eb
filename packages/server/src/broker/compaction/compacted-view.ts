/**
 * A topic's compacted ledger opened for reading (Pulsar's CompactedTopicImpl): entries are in
 * original log order, so the first one at or after a read position is found by binary search over
 * their headers. Sequential readers ask for the position right after the previous answer, which a
 * small table of hints turns into no search at all.
 */
import type { Entry, Ledger, Position } from '../../storage/types.js';
import { comparePositions, positionToString } from '../../storage/position.js';
import { compactedPosition, decodeCompactedEntry } from './compacted-entry.js';

/** How many "next position → next entry" hints are kept for sequential readers. */
const MAX_HINTS = 256;

export class CompactedView {
  private readonly hints = new Map<string, number>();
  /** Reads in flight; a replaced view is closed only once they are done. */
  private readers = 0;
  private drained: (() => void)[] = [];

  constructor(
    readonly ledger: Ledger,
    /** The last original position the compacted ledger covers. */
    readonly horizon: Position,
  ) {}

  get entryCount(): number {
    return this.ledger.lastAddConfirmed + 1;
  }

  /**
   * Up to `maxEntries` (and about `maxBytes`) compacted entries whose original position is at or
   * after `from`, each carrying its original position. Empty once `from` is past the last one.
   */
  async read(from: Position, maxEntries: number, maxBytes: number): Promise<Entry[]> {
    const start = await this.firstAtOrAfter(from);
    if (start >= this.entryCount || maxEntries <= 0) return [];
    const out: Entry[] = [];
    let bytes = 0;
    const last = Math.min(this.entryCount - 1, start + maxEntries - 1);
    for (const raw of await this.ledger.read(start, last)) {
      if (out.length > 0 && bytes + raw.length > maxBytes) break;
      const e = decodeCompactedEntry(raw);
      out.push(e);
      bytes += e.data.length;
    }
    const next = out[out.length - 1].position;
    this.remember({ ledgerId: next.ledgerId, entryId: next.entryId + 1 }, start + out.length);
    return out;
  }

  /** The original position of the last compacted entry, or null when the view is empty. */
  async lastPosition(): Promise<Position | null> {
    if (this.entryCount === 0) return null;
    return this.positionAt(this.entryCount - 1);
  }

  /** Runs `read` while keeping the view open; a view being retired waits for it. */
  async using<T>(read: (view: CompactedView) => Promise<T>): Promise<T> {
    this.readers++;
    try {
      return await read(this);
    } finally {
      this.readers--;
      if (this.readers === 0) for (const done of this.drained.splice(0)) done();
    }
  }

  /** Waits for reads in flight, then closes the ledger handle (the ledger itself is not deleted). */
  async retire(): Promise<void> {
    if (this.readers > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
    await this.ledger.close();
  }

  /** Index of the first compacted entry whose original position is ≥ `p` (entryCount if none). */
  private async firstAtOrAfter(p: Position): Promise<number> {
    const hinted = this.hints.get(positionToString(p));
    if (hinted !== undefined) return hinted;
    let lo = 0;
    let hi = this.entryCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (comparePositions(await this.positionAt(mid), p) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private async positionAt(i: number): Promise<Position> {
    const [raw] = await this.ledger.read(i, i);
    return compactedPosition(raw);
  }

  private remember(p: Position, index: number): void {
    if (this.hints.size >= MAX_HINTS) this.hints.delete(this.hints.keys().next().value!);
    this.hints.set(positionToString(p), index);
  }
}
