/**
 * A LedgerStore that keeps every ledger in process memory. It serves unit tests of the layers
 * above storage (managed ledger, cursors, broker) and a throw-away standalone mode; nothing
 * survives the process. It honours the same contract as the disk store: dense entry ids from 0,
 * appends acknowledged in call order, reads only up to lastAddConfirmed, and opening a ledger
 * seals it (fencing, as BookKeeper's recovery open does) so a stale writer cannot add to it.
 */
import { compactEntry } from '../entry-bytes.js';
import type { Ledger, LedgerStore } from '../types.js';

/** The life of an in-memory ledger. */
type State =
  /** Accepting appends. */
  | 'open'
  /** Sealed by close() or by a later openLedger(); read-only. */
  | 'closed'
  /** Removed by deleteLedger(); every call fails. */
  | 'deleted';

class MemoryLedger implements Ledger {
  private state: State = 'open';
  private readonly entries: Buffer[] = [];
  private bytes = 0;

  constructor(readonly id: number) {}

  get lastAddConfirmed(): number {
    return this.entries.length - 1;
  }

  get length(): number {
    return this.bytes;
  }

  append(data: Uint8Array, handOver = false): Promise<number> {
    if (this.state !== 'open') return Promise.reject(new Error(`ledger ${this.id} is ${this.state}`));
    // Copy unless handed over: the caller may reuse its buffer once append returns, and reads must
    // see what was appended.
    const copy = handOver ? compactEntry(data) : Buffer.from(data);
    this.entries.push(copy);
    this.bytes += copy.length;
    return Promise.resolve(this.entries.length - 1);
  }

  read(firstEntryId: number, lastEntryId: number): Promise<Buffer[]> {
    if (this.state === 'deleted') return Promise.reject(new Error(`ledger ${this.id} is deleted`));
    if (
      !Number.isInteger(firstEntryId) ||
      !Number.isInteger(lastEntryId) ||
      firstEntryId < 0 ||
      firstEntryId > lastEntryId ||
      lastEntryId > this.lastAddConfirmed
    ) {
      return Promise.reject(
        new RangeError(
          `ledger ${this.id}: read ${firstEntryId}..${lastEntryId} outside 0..${this.lastAddConfirmed}`,
        ),
      );
    }
    return Promise.resolve(this.entries.slice(firstEntryId, lastEntryId + 1));
  }

  close(): Promise<void> {
    if (this.state === 'open') this.seal();
    return Promise.resolve();
  }

  seal(): void {
    if (this.state === 'open') this.state = 'closed';
  }

  markDeleted(): void {
    this.state = 'deleted';
    this.entries.length = 0;
  }
}

export class MemoryLedgerStore implements LedgerStore {
  private readonly ledgers = new Map<number, MemoryLedger>();
  private nextId = 1;
  private closed = false;

  createLedger(): Promise<Ledger> {
    if (this.closed) return Promise.reject(new Error('ledger store is closed'));
    const ledger = new MemoryLedger(this.nextId++);
    this.ledgers.set(ledger.id, ledger);
    return Promise.resolve(ledger);
  }

  openLedger(ledgerId: number): Promise<Ledger> {
    if (this.closed) return Promise.reject(new Error('ledger store is closed'));
    const ledger = this.ledgers.get(ledgerId);
    if (!ledger) return Promise.reject(new Error(`ledger ${ledgerId} not found`));
    ledger.seal();
    return Promise.resolve(ledger);
  }

  deleteLedger(ledgerId: number): Promise<void> {
    const ledger = this.ledgers.get(ledgerId);
    if (ledger) {
      ledger.markDeleted();
      this.ledgers.delete(ledgerId);
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    for (const ledger of this.ledgers.values()) ledger.seal();
    return Promise.resolve();
  }

  /** Ids of the ledgers that exist, ascending (tests check that trimming really deleted). */
  ledgerIds(): number[] {
    return [...this.ledgers.keys()].sort((a, b) => a - b);
  }
}
