/**
 * The storage layer's contracts (DESIGN.md, "The three layers"). The broker talks to storage only
 * through these interfaces, so that replicated storage can slot in later without broker changes.
 *
 * Addressing follows BookKeeper and Pulsar: a topic's log is a list of ledgers, an entry is
 * addressed by (ledgerId, entryId), entry ids start at 0 in every ledger, and positions compare
 * lexicographically.
 */

/** An entry's address in a managed ledger. */
export interface Position {
  readonly ledgerId: number;
  readonly entryId: number;
}

/** One stored entry, returned by reads. `data` is exactly what was appended. */
export interface Entry {
  readonly position: Position;
  readonly data: Buffer;
}

/** Durability policy of appends (Pulsar's journalSyncData). */
export type SyncPolicy =
  /** fsync once per group commit before acknowledging (default; what DESIGN.md's contract needs). */
  | 'fsync'
  /** write to the OS, acknowledge without fsync (benchmarks that say so). */
  | 'none';

/**
 * An append-only sequence of entries with a single writer. Entry ids are dense from 0.
 * A ledger is open (appendable) until `close()`; a closed ledger is read-only.
 */
export interface Ledger {
  readonly id: number;
  /** Id of the last entry that is durable and readable; -1 when empty. */
  readonly lastAddConfirmed: number;
  /** Bytes appended to this ledger so far. */
  readonly length: number;
  /**
   * Appends one entry; resolves with its entry id once it is durable under the store's SyncPolicy.
   * The store copies what it keeps of `data` before returning, so the caller may reuse its buffer,
   * unless `handOver` is true: then the caller promises never to change those bytes again, and the
   * store may keep and write them as they are (the managed ledger does, as it keeps the same bytes
   * in its entry cache).
   */
  append(data: Uint8Array, handOver?: boolean): Promise<number>;
  /** Reads entries first..last inclusive (both ≤ lastAddConfirmed). */
  read(firstEntryId: number, lastEntryId: number): Promise<Buffer[]>;
  /** Seals the ledger: no more appends. Idempotent. */
  close(): Promise<void>;
}

/** Creates, opens and deletes ledgers. One store serves every topic of a broker. */
export interface LedgerStore {
  /** Creates a new open ledger with a store-unique id (ids increase). */
  createLedger(): Promise<Ledger>;
  /** Opens an existing ledger for reading (after a restart, ledgers found open are sealed at their last durable entry). */
  openLedger(ledgerId: number): Promise<Ledger>;
  /** Deletes a ledger and, eventually, frees its disk space. Deleting a missing ledger is not an error. */
  deleteLedger(ledgerId: number): Promise<void>;
  /** Flushes and closes everything. */
  close(): Promise<void>;
}

/** Where a new cursor starts (CommandSubscribe.initialPosition). */
export type InitialPosition = 'latest' | 'earliest';

/** A subscription's durable position: everything ≤ markDelete is consumed, plus individually acked entries after it. */
export interface Cursor {
  readonly name: string;
  /** Everything up to and including this position is acknowledged. Before any entry: (firstLedger, -1). */
  readonly markDeletePosition: Position;
  /** Acknowledges single entries; advances markDelete over any contiguous prefix. */
  ackIndividual(positions: readonly Position[]): void;
  /** Acknowledges everything up to and including `position`. */
  ackCumulative(position: Position): void;
  /**
   * Batch-index acknowledgement (CommandAck ack_set): `unacked` holds the batch's still-unacked
   * indexes as unsigned 64-bit words, intersected with what the cursor already holds. Once no index
   * is left the entry is acknowledged as by ackIndividual. Returns true if the entry is now acked.
   */
  ackBatchIndexes(position: Position, unacked: readonly bigint[]): boolean;
  /** Still-unacked index words of a partly acknowledged batch entry; undefined if none is partly acked. */
  batchAckSet(position: Position): readonly bigint[] | undefined;
  /** True if the entry at `position` is acknowledged (at or before markDelete, or individually). */
  isAcked(position: Position): boolean;
  /** Individually acked entries after markDelete, as inclusive ranges in order. */
  ackedRanges(): ReadonlyArray<readonly [Position, Position]>;
  /** Entries after markDelete up to the ledger's last entry that are not acknowledged. */
  backlog(): number;
  /** Moves markDelete to just before `position` and forgets individual acks after it (SEEK / reset). */
  resetTo(position: Position): void;
  /** Persists the current state now (also done lazily on a timer by the managed ledger). */
  flush(): Promise<void>;
  /** Cursor properties kept with it (subscription properties). */
  readonly properties: Readonly<Record<string, string>>;
  /** Replaces the properties; persisted with the next flush, together with markDelete. */
  setProperties(properties: Record<string, string>): void;
}

export interface ManagedLedgerConfig {
  /** Roll the current ledger once it holds this many bytes. */
  maxLedgerSizeBytes: number;
  /** Roll the current ledger once it is this old (ms). */
  maxLedgerAgeMs: number;
  /** How often dirty cursor state is persisted (ms): bounds redelivery after a crash. */
  cursorFlushIntervalMs: number;
}

/** One ledger of a managed ledger, as admin stats show it (Pulsar's ManagedLedgerInfo.LedgerInfo). */
export interface LedgerSummary {
  readonly ledgerId: number;
  /** Entries confirmed in the ledger. */
  readonly entries: number;
  /** Bytes of those entries. */
  readonly size: number;
  /** When the ledger was created (clock ms). */
  readonly timestamp: number;
}

/** A topic's log: a list of ledgers plus the cursors of its durable subscriptions. */
export interface ManagedLedger {
  readonly name: string;
  /**
   * Appends one entry; resolves once durable. Appends resolve in call order. The bytes are handed
   * over: the caller must not change them afterwards (they are cached and written as they are; a
   * view into a larger buffer is copied first, see entry-bytes.ts).
   */
  append(data: Uint8Array): Promise<Position>;
  /** Reads up to `maxEntries` entries (and about `maxBytes`) starting at `from` inclusive, crossing ledger boundaries. */
  read(from: Position, maxEntries: number, maxBytes: number): Promise<Entry[]>;
  /** Last appended durable position, or null when the log has no entry. */
  lastConfirmed(): Position | null;
  /** First position that still exists (after trimming), or null when empty. */
  firstPosition(): Position | null;
  /** The position the next append will get (used as "latest" start). */
  nextPosition(): Position;
  /** The position right after `p` (next entry id, or the next ledger's entry 0). */
  after(p: Position): Position;
  /** Number of entries in (from, to] — exclusive, inclusive. */
  countBetween(fromExclusive: Position, toInclusive: Position): number;
  /** Publish-time search helper: the first position whose entry satisfies `pred` (entries are in order). */
  findFirst(pred: (e: Entry) => boolean): Promise<Position | null>;
  /** Total bytes stored across live ledgers. */
  readonly storedBytes: number;
  /** Total entries appended since creation. */
  readonly entriesAdded: number;
  /** The live ledgers, oldest first; the last one takes the appends (admin stats, position arithmetic). */
  ledgerInfos(): LedgerSummary[];
  /** Opens (creating if absent) a durable cursor. */
  openCursor(name: string, initial: InitialPosition, properties?: Record<string, string>): Promise<Cursor>;
  /** Existing durable cursors. */
  cursors(): ReadonlyMap<string, Cursor>;
  /** Deletes a cursor and its persisted state. */
  deleteCursor(name: string): Promise<void>;
  /** Calls `listener` after each successful append (dispatchers use it to wake). Returns an unsubscribe function. */
  onAppend(listener: (p: Position) => void): () => void;
  /**
   * Deletes ledgers that every cursor has fully consumed (never the current ledger). Without
   * `retention`, a ledger list with no cursor is kept whole. With it (Pulsar's retention
   * policies), a consumed ledger goes only once older than `timeMs` or beyond `sizeBytes`, and
   * with no cursor every sealed ledger counts as consumed, so retention alone decides.
   */
  trimConsumedLedgers(retention?: RetentionLimits): Promise<void>;
  /** Persists cursors and closes. */
  close(): Promise<void>;
  /** Deletes all ledgers, cursors and metadata of this topic. */
  delete(): Promise<void>;
}

/** How long and how much consumed data a managed ledger keeps; -1 = no limit (keep forever). */
export interface RetentionLimits {
  /** A consumed ledger older than this (ms since it was sealed) may go. */
  timeMs: number;
  /** Consumed ledgers beyond this many bytes of the log (oldest first) may go. */
  sizeBytes: number;
}

/** Opens managed ledgers by topic name; one per broker. */
export interface ManagedLedgerFactory {
  open(name: string, config?: Partial<ManagedLedgerConfig>): Promise<ManagedLedger>;
  /** Names of every managed ledger that exists (created before, possibly closed now). */
  list(): Promise<string[]>;
  exists(name: string): Promise<boolean>;
  close(): Promise<void>;
}
