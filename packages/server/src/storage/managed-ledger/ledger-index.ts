/**
 * The ordered list of a managed ledger's live ledgers with their entry counts, and the position
 * arithmetic that depends on it: which position follows another, how many entries lie between two
 * positions, where a read that starts at a given position really starts. Ledgers are found by
 * binary search on their (increasing) ids; walks over a range of ledgers are linear in the number
 * of ledgers in that range, which is small (a ledger holds up to maxLedgerSizeBytes).
 */
import type { Position } from '../types.js';

export interface LedgerInfo {
  readonly ledgerId: number;
  /** Entries confirmed in this ledger (ids 0..entries-1). */
  entries: number;
  /** Bytes of those entries. */
  size: number;
  /** When the ledger was created (clock ms). */
  readonly timestamp: number;
}

export class LedgerIndex {
  private readonly list: LedgerInfo[];

  constructor(ledgers: LedgerInfo[] = []) {
    this.list = ledgers.map((l) => ({ ...l }));
    for (let i = 1; i < this.list.length; i++) {
      if (this.list[i].ledgerId <= this.list[i - 1].ledgerId) throw new Error('ledger ids must increase');
    }
  }

  get ledgers(): readonly LedgerInfo[] {
    return this.list;
  }

  get length(): number {
    return this.list.length;
  }

  get last(): LedgerInfo | undefined {
    return this.list[this.list.length - 1];
  }

  get firstLedgerId(): number | undefined {
    return this.list[0]?.ledgerId;
  }

  get(ledgerId: number): LedgerInfo | undefined {
    const i = this.lowerBound(ledgerId);
    const l = this.list[i];
    return l && l.ledgerId === ledgerId ? l : undefined;
  }

  push(info: LedgerInfo): void {
    const last = this.last;
    if (last && info.ledgerId <= last.ledgerId) throw new Error(`ledger ${info.ledgerId} out of order`);
    this.list.push({ ...info });
  }

  /** Removes the given ledgers (trimming); returns the removed infos. */
  remove(ledgerIds: ReadonlySet<number>): LedgerInfo[] {
    const removed = this.list.filter((l) => ledgerIds.has(l.ledgerId));
    const kept = this.list.filter((l) => !ledgerIds.has(l.ledgerId));
    this.list.length = 0;
    this.list.push(...kept);
    return removed;
  }

  totalEntries(): number {
    let n = 0;
    for (const l of this.list) n += l.entries;
    return n;
  }

  totalBytes(): number {
    let n = 0;
    for (const l of this.list) n += l.size;
    return n;
  }

  contains(p: Position): boolean {
    const l = this.get(p.ledgerId);
    return l !== undefined && p.entryId >= 0 && p.entryId < l.entries;
  }

  firstPosition(): Position | null {
    for (const l of this.list) if (l.entries > 0) return { ledgerId: l.ledgerId, entryId: 0 };
    return null;
  }

  lastConfirmed(): Position | null {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const l = this.list[i];
      if (l.entries > 0) return { ledgerId: l.ledgerId, entryId: l.entries - 1 };
    }
    return null;
  }

  /**
   * The first existing position at or after `p`, or null if there is none. A position past a
   * ledger's last entry, or inside a deleted ledger, resolves to the next ledger's first entry.
   */
  ceiling(p: Position): Position | null {
    for (let i = this.lowerBound(p.ledgerId); i < this.list.length; i++) {
      const l = this.list[i];
      const entryId = l.ledgerId === p.ledgerId ? Math.max(0, p.entryId) : 0;
      if (entryId < l.entries) return { ledgerId: l.ledgerId, entryId };
    }
    return null;
  }

  /** The last existing position strictly before `p`, or null if there is none. */
  before(p: Position): Position | null {
    for (let i = Math.min(this.lowerBound(p.ledgerId), this.list.length - 1); i >= 0; i--) {
      const l = this.list[i];
      if (l.ledgerId > p.ledgerId) continue;
      const entryId = l.ledgerId === p.ledgerId ? Math.min(p.entryId - 1, l.entries - 1) : l.entries - 1;
      if (entryId >= 0) return { ledgerId: l.ledgerId, entryId };
    }
    return null;
  }

  /**
   * The position after `p`: the next entry if it exists, else the first entry of the next ledger
   * that has one, else the slot the next append to the last ledger will fill.
   */
  after(p: Position): Position {
    const next = this.ceiling({ ledgerId: p.ledgerId, entryId: p.entryId + 1 });
    if (next) return next;
    const last = this.last;
    if (!last || last.ledgerId < p.ledgerId) return { ledgerId: p.ledgerId, entryId: p.entryId + 1 };
    if (last.ledgerId === p.ledgerId)
      return { ledgerId: p.ledgerId, entryId: Math.max(p.entryId + 1, last.entries) };
    return { ledgerId: last.ledgerId, entryId: last.entries };
  }

  /** Entries in (from, to]. */
  countBetween(from: Position, to: Position): number {
    let n = 0;
    for (let i = this.lowerBound(from.ledgerId); i < this.list.length; i++) {
      const l = this.list[i];
      if (l.ledgerId > to.ledgerId) break;
      const lo = l.ledgerId === from.ledgerId ? from.entryId + 1 : 0;
      const hi = l.ledgerId === to.ledgerId ? Math.min(to.entryId, l.entries - 1) : l.entries - 1;
      if (hi >= lo) n += hi - lo + 1;
    }
    return n;
  }

  /** The position of the n-th live entry (0-based, in log order), or null past the end. */
  positionAt(n: number): Position | null {
    let rest = n;
    for (const l of this.list) {
      if (rest < l.entries) return { ledgerId: l.ledgerId, entryId: rest };
      rest -= l.entries;
    }
    return null;
  }

  /** Index of the first ledger whose id is ≥ ledgerId. */
  private lowerBound(ledgerId: number): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.list[mid].ledgerId < ledgerId) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
