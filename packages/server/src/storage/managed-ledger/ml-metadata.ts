/**
 * Where and how a managed ledger's state lives in the metadata store:
 *
 *   /managed-ledgers/<topic>                  the ledger list (JSON, see MlRecord)
 *   /managed-ledgers/<topic>/cursors/<name>   one cursor's state (JSON, see cursor-codec.ts)
 *
 * Topic and cursor names are percent-encoded into single path segments, so
 * "persistent://public/default/t" cannot be mistaken for a nested path.
 *
 * The ledger list is written with compare-and-set on the version last read or written: a second
 * owner of the same topic (a bug, or later a broker that lost its ownership) fails loudly instead
 * of silently overwriting the list. Writes go one at a time through `update`, because roll-over
 * and trimming both rewrite the list.
 */
import type { MetadataStore } from '../../metadata/types.js';
import { joinPath } from '../../metadata/path.js';
import type { LedgerInfo } from './ledger-index.js';

export const ML_ROOT = '/managed-ledgers';

export function mlPath(name: string): string {
  return joinPath(ML_ROOT, name);
}

export function cursorsPath(name: string): string {
  return `${mlPath(name)}/cursors`;
}

export function cursorPath(name: string, cursor: string): string {
  return joinPath(cursorsPath(name), cursor);
}

/** The persisted form of a managed ledger. */
export interface MlRecord {
  readonly ledgers: LedgerInfo[];
  /** Entries in ledgers already trimmed away, so that entriesAdded survives trimming and restarts. */
  readonly trimmedEntries: number;
}

export function encodeMlRecord(r: MlRecord): Buffer {
  return Buffer.from(JSON.stringify({ v: 1, ledgers: r.ledgers, trimmedEntries: r.trimmedEntries }));
}

export function decodeMlRecord(value: Buffer): MlRecord {
  const raw = JSON.parse(value.toString('utf8')) as {
    v?: number;
    ledgers?: unknown;
    trimmedEntries?: unknown;
  };
  if (raw.v !== 1 || !Array.isArray(raw.ledgers)) throw new Error('unrecognised managed ledger record');
  const ledgers = (raw.ledgers as LedgerInfo[]).map((l) => {
    if (![l.ledgerId, l.entries, l.size, l.timestamp].every((n) => Number.isSafeInteger(n))) {
      throw new Error('corrupt ledger info in managed ledger record');
    }
    return { ledgerId: l.ledgerId, entries: l.entries, size: l.size, timestamp: l.timestamp };
  });
  const trimmedEntries = typeof raw.trimmedEntries === 'number' ? raw.trimmedEntries : 0;
  return { ledgers, trimmedEntries };
}

/** Reads and writes one managed ledger's record, serialising writes and checking versions. */
export class MlRecordStore {
  private version = -1;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: MetadataStore,
    readonly name: string,
  ) {}

  /** Loads the record, or null if the managed ledger does not exist yet. */
  async load(): Promise<MlRecord | null> {
    const got = await this.store.get(mlPath(this.name));
    if (!got) {
      this.version = -1;
      return null;
    }
    this.version = got.stat.version;
    return decodeMlRecord(got.value);
  }

  /**
   * Writes `make()`'s record after every earlier update has finished (CAS on the known version),
   * then runs `commit` before the next update starts, so in-memory state changes in the same order
   * as the persisted record and only once the record is durable.
   */
  update(make: () => MlRecord, commit: () => void = () => undefined): Promise<void> {
    const run = this.chain.then(async () => {
      const stat = await this.store.put(mlPath(this.name), encodeMlRecord(make()), {
        expectedVersion: this.version,
      });
      this.version = stat.version;
      commit();
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Deletes the record and every cursor key below it. */
  async deleteAll(): Promise<void> {
    await this.chain;
    for (const c of await this.store.children(cursorsPath(this.name))) {
      await this.store.delete(`${cursorsPath(this.name)}/${c}`);
    }
    await this.store.delete(mlPath(this.name));
    this.version = -1;
  }
}
