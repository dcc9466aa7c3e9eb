/**
 * Typed failures of the on-disk ledger store. Callers branch on `code` (stable strings), never on
 * message text (STYLE.md, "Errors"); `retriable` says whether the same call may succeed later.
 */

export type StorageErrorCode =
  | 'LEDGER_CLOSED'
  | 'LEDGER_NOT_FOUND'
  | 'INVALID_ENTRY_RANGE'
  | 'ENTRY_TOO_LARGE'
  | 'STORE_CLOSED'
  | 'STORE_FENCED'
  | 'STORAGE_IO'
  | 'STORAGE_CORRUPT';

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    readonly retriable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An append (or close) on a ledger that is sealed, closing or deleted. */
export class LedgerClosedError extends StorageError {
  constructor(
    readonly ledgerId: number,
    state: string,
  ) {
    super('LEDGER_CLOSED', `ledger ${ledgerId} is ${state}`);
  }
}

export class LedgerNotFoundError extends StorageError {
  constructor(readonly ledgerId: number) {
    super('LEDGER_NOT_FOUND', `ledger ${ledgerId} not found`);
  }
}

/** A read outside 0..lastAddConfirmed, or with first > last. */
export class InvalidEntryRangeError extends StorageError {
  constructor(ledgerId: number, first: number, last: number, lastAddConfirmed: number) {
    super('INVALID_ENTRY_RANGE', `ledger ${ledgerId}: read ${first}..${last} outside 0..${lastAddConfirmed}`);
  }
}

export class EntryTooLargeError extends StorageError {
  constructor(size: number, max: number) {
    super('ENTRY_TOO_LARGE', `entry of ${size} bytes exceeds the limit of ${max} bytes`);
  }
}

export class StoreClosedError extends StorageError {
  constructor() {
    super('STORE_CLOSED', 'ledger store is closed');
  }
}

/**
 * A write or fsync failed. The store cannot know what reached the disk, so it stops accepting
 * writes (it is "fenced") instead of pretending; reads of acknowledged entries still work.
 */
export class StorageIoError extends StorageError {
  /** The operating system's error code (EIO, ENOSPC, ...) when there is one. */
  readonly ioCode: string | undefined;
  constructor(message: string, cause: unknown) {
    super('STORAGE_IO', message, false, { cause });
    this.ioCode = (cause as NodeJS.ErrnoException | undefined)?.code;
  }
}

/** Every write after a StorageIoError: the store is read-only until reopened. */
export class StoreFencedError extends StorageError {
  constructor(cause: unknown) {
    super('STORE_FENCED', 'ledger store is fenced after an I/O failure; reopen it to recover', false, {
      cause,
    });
  }
}

/** Stored bytes that fail their checksum or disagree with the index (outside the recoverable torn tail). */
export class StorageCorruptError extends StorageError {
  constructor(message: string) {
    super('STORAGE_CORRUPT', message);
  }
}
