/**
 * Where a topic's compacted view is recorded: `/compaction/<topic>` in the metadata store holds the
 * compacted ledger's id and the horizon (the last original position it covers). Pulsar keeps the
 * same two facts in the compaction cursor's properties. `pendingLedgerId` names a ledger being
 * written, so that one left behind by a crash can be deleted on the next run.
 */
import type { MetadataStore } from '../../metadata/types.js';
import type { Position } from '../../storage/types.js';

export interface CompactionRecord {
  /** The compacted ledger; absent when no compaction has completed yet. */
  ledgerId?: number;
  horizon?: Position;
  /** Entries in the compacted ledger. */
  entries?: number;
  /** A compaction in progress writes this ledger; it replaces `ledgerId` once done. */
  pendingLedgerId?: number;
}

const path = (topic: string) => `/compaction/${encodeURIComponent(topic)}`;

export async function readCompactionRecord(store: MetadataStore, topic: string): Promise<CompactionRecord> {
  const got = await store.get(path(topic));
  return got ? (JSON.parse(got.value.toString('utf8')) as CompactionRecord) : {};
}

/** Writes the record; a single writer per topic (the compaction service) so no compare-and-set. */
export async function writeCompactionRecord(
  store: MetadataStore,
  topic: string,
  record: CompactionRecord,
): Promise<void> {
  await store.put(path(topic), Buffer.from(JSON.stringify(record)));
}

export async function deleteCompactionRecord(store: MetadataStore, topic: string): Promise<void> {
  await store.delete(path(topic));
}
