/**
 * What the in-flight listing shows of a message beyond the broker's pending state: its key, its
 * priority property and its batch size. They live in the stored entry's metadata, so they are read
 * from storage, for the entries of one page only, and kept in a bounded per-topic cache: paging
 * through a large backlog of in-flight entries reads each entry about once.
 */
import { parseEntry, type MessageMetadata } from '@magnetar/protocol';
import { positionToString } from '../../storage/position.js';
import type { ManagedLedger, Position } from '../../storage/types.js';

/** Message property naming a message's priority (the priority feature sets it; we only show it). */
export const PRIORITY_PROPERTY = 'magnetar.priority';

/** Cached entries per topic; a few pages' worth, so a scan of any size holds memory flat. */
const CACHE_ENTRIES = 20_000;
/** Most bytes one storage read may return; the page's entries are small metadata-bearing frames. */
const READ_BYTES = 64 * 1024 * 1024;

export interface EntryInfo {
  /** num_messages_in_batch, 1 for a single message. */
  readonly batchSize: number;
  /** The sticky key: ordering_key, else partition_key; null when the message has neither. */
  readonly key: string | null;
  /** True when `key` is base64 (a binary key, or a partition key the producer sent as base64). */
  readonly keyBase64: boolean;
  readonly priority: number | null;
}

const UNKNOWN: EntryInfo = { batchSize: 1, key: null, keyBase64: false, priority: null };

const caches = new WeakMap<ManagedLedger, Map<string, EntryInfo>>();

/**
 * Info of each position (keyed "ledger:entry"). Consecutive positions are read with one storage
 * read; an entry storage no longer has (trimmed) answers with unknown fields rather than failing.
 */
export async function entryInfos(
  ledger: ManagedLedger,
  positions: readonly Position[],
): Promise<Map<string, EntryInfo>> {
  const cache = caches.get(ledger) ?? new Map<string, EntryInfo>();
  caches.set(ledger, cache);
  const out = new Map<string, EntryInfo>();
  const missing: Position[] = [];
  for (const p of positions) {
    const id = positionToString(p);
    const hit = cache.get(id);
    if (hit) out.set(id, hit);
    else missing.push(p);
  }
  for (const run of runsOf(missing)) {
    const entries = await ledger.read(run[0]!, run.length, READ_BYTES);
    for (const e of entries) remember(cache, positionToString(e.position), infoOf(e.data));
  }
  for (const p of missing) {
    const id = positionToString(p);
    out.set(id, cache.get(id) ?? UNKNOWN);
  }
  return out;
}

export function infoOf(data: Buffer): EntryInfo {
  let m: MessageMetadata;
  try {
    m = parseEntry(data).metadata;
  } catch {
    // A frame we cannot parse still has a place in the listing; only its details are unknown.
    return UNKNOWN;
  }
  const raw = m.properties?.find((p) => p.key === PRIORITY_PROPERTY)?.value;
  const priority =
    raw !== undefined && raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : null;
  return { batchSize: m.num_messages_in_batch ?? 1, priority, ...keyOf(m) };
}

/** Same precedence as the Key_Shared dispatcher (stickyKeyOf): ordering_key, then partition_key. */
function keyOf(m: MessageMetadata): { key: string | null; keyBase64: boolean } {
  if (m.ordering_key !== undefined) {
    const bytes = Buffer.from(m.ordering_key);
    const text = utf8(bytes);
    return text === undefined
      ? { key: bytes.toString('base64'), keyBase64: true }
      : { key: text, keyBase64: false };
  }
  if (m.partition_key !== undefined) {
    return { key: m.partition_key, keyBase64: m.partition_key_b64_encoded === true };
  }
  return { key: null, keyBase64: false };
}

const decoder = new TextDecoder('utf-8', { fatal: true });
function utf8(b: Buffer): string | undefined {
  try {
    return decoder.decode(b);
  } catch {
    return undefined;
  }
}

/** Positions grouped into runs of consecutive entries of one ledger, in position order. */
function runsOf(positions: readonly Position[]): Position[][] {
  const sorted = [...positions].sort((a, b) => a.ledgerId - b.ledgerId || a.entryId - b.entryId);
  const runs: Position[][] = [];
  for (const p of sorted) {
    const run = runs[runs.length - 1];
    const last = run?.[run.length - 1];
    if (run && last && last.ledgerId === p.ledgerId && last.entryId + 1 === p.entryId) run.push(p);
    else runs.push([p]);
  }
  return runs;
}

/** Map keeps insertion order, so the first key is the least recently added: a FIFO bound. */
function remember(cache: Map<string, EntryInfo>, id: string, info: EntryInfo): void {
  cache.set(id, info);
  if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
}
