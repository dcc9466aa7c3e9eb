/**
 * One ledger of the disk store: a single-writer, append-only sequence of entries whose bytes live
 * in the shared segment files and whose positions live in an EntryIndex. Appends go to the
 * store's journal; the ledger's visible state (lastAddConfirmed, length, index) moves only when
 * the journal reports a record durable, so a reader never sees an entry a crash could take back.
 */
import type { Ledger } from '../types.js';
import type { EntryIndex } from './entry-index.js';
import {
  EntryTooLargeError,
  InvalidEntryRangeError,
  LedgerClosedError,
  LedgerNotFoundError,
} from './errors.js';
import type { Journal } from './journal.js';
import type { DurableListener, JournalOp } from './journal-op.js';
import { RECORD_CLOSE, RECORD_CREATE, RECORD_ENTRY } from './record.js';

/** Largest entry accepted (Pulsar's default maxMessageSize is 5 MiB; this leaves headroom). */
export const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

export type LedgerState =
  /** Accepting appends. */
  | 'open'
  /** close() was called; the close record is on its way and appends are refused. */
  | 'closing'
  /** Sealed: read-only. */
  | 'closed'
  /** deleteLedger() was called; every call fails. */
  | 'deleted';

/** What a ledger needs from its store. */
export interface LedgerHost {
  readonly journal: Journal;
  /** Throws when the store is closed. */
  assertUsable(): void;
  onEntryDurable(op: JournalOp): void;
  readEntries(ledger: DiskLedger, first: number, last: number): Promise<Buffer[]>;
}

export class DiskLedger implements Ledger, DurableListener {
  lastAddConfirmed: number;
  length: number;
  /** The create record is durable (the ledger belongs in the catalog). */
  createdDurably: boolean;
  /** The close record is durable, or the ledger was sealed by recovery. */
  closedDurably: boolean;
  private nextEntryId: number;
  private closing: Promise<void> | null = null;

  constructor(
    readonly id: number,
    private readonly host: LedgerHost,
    readonly index: EntryIndex,
    public state: LedgerState,
  ) {
    this.lastAddConfirmed = index.count - 1;
    this.length = index.bytes;
    this.nextEntryId = index.count;
    this.createdDurably = state !== 'open';
    this.closedDurably = state === 'closed';
  }

  append(data: Uint8Array, handOver = false): Promise<number> {
    if (this.state !== 'open') return Promise.reject(new LedgerClosedError(this.id, this.state));
    if (data.length > MAX_ENTRY_BYTES)
      return Promise.reject(new EntryTooLargeError(data.length, MAX_ENTRY_BYTES));
    return this.host.journal.append(RECORD_ENTRY, this.id, this.nextEntryId++, data, this, handOver);
  }

  read(firstEntryId: number, lastEntryId: number): Promise<Buffer[]> {
    try {
      this.host.assertUsable();
    } catch (err) {
      return Promise.reject(err as Error);
    }
    if (this.state === 'deleted') return Promise.reject(new LedgerNotFoundError(this.id));
    if (
      !Number.isInteger(firstEntryId) ||
      !Number.isInteger(lastEntryId) ||
      firstEntryId < 0 ||
      firstEntryId > lastEntryId ||
      lastEntryId > this.lastAddConfirmed
    ) {
      return Promise.reject(
        new InvalidEntryRangeError(this.id, firstEntryId, lastEntryId, this.lastAddConfirmed),
      );
    }
    return this.host.readEntries(this, firstEntryId, lastEntryId);
  }

  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    if (this.state !== 'open') return Promise.resolve();
    this.state = 'closing';
    // The close record carries the entry count, so recovery can check nothing before it was lost.
    this.closing = this.host.journal
      .append(RECORD_CLOSE, this.id, this.nextEntryId, null, this)
      .then(() => undefined);
    return this.closing;
  }

  /** Seals without a record: used when the store itself is closing or was recovered. */
  sealInMemory(): void {
    if (this.state === 'open' || this.state === 'closing') this.state = 'closed';
  }

  onDurable(op: JournalOp): void {
    if (op.type === RECORD_ENTRY) {
      // Pair assertion: the journal reports entries of one ledger densely and in order.
      if (op.entryId !== this.index.count) {
        throw new Error(
          `ledger ${this.id}: entry ${op.entryId} durable out of order (next ${this.index.count})`,
        );
      }
      this.index.push(op.segment, op.recordOffset, op.dataLength);
      this.lastAddConfirmed = op.entryId;
      this.length += op.dataLength;
      this.host.onEntryDurable(op);
    } else if (op.type === RECORD_CREATE) {
      this.createdDurably = true;
    } else if (op.type === RECORD_CLOSE) {
      this.closedDurably = true;
      if (this.state === 'closing') this.state = 'closed';
    }
  }
}
