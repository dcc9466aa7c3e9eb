/**
 * GET …/subscription/{sub}/inflight (a Magnetar extension; Pulsar only has counts): the entries
 * delivered to the subscription's consumers and not yet acknowledged, from the consumers' pending
 * state (Consumer.pending), oldest delivery first, filtered and paged.
 */
import { positionToString } from '../../storage/position.js';
import type { Consumer, PendingEntry } from '../subscription/consumer.js';
import type { Subscription } from '../subscription/subscription.js';
import { entryInfos, type EntryInfo } from './entry-info.js';
import { encodeCursor, type InflightQuery, type PageKey } from './inflight-query.js';
import { selectAfter } from './page-select.js';
import { stuckThresholdMs } from './stuck.js';

/**
 * Consumer metadata (CommandSubscribe.metadata, the client's consumer `properties`) naming the
 * client's ack timeout. The protocol does not carry ack timeouts, so this is the only way the
 * broker can know one.
 */
export const ACK_TIMEOUT_METADATA = 'magnetar.ackTimeoutMs';

/** With a key filter, the most entries one request reads from storage to find matches. */
const KEY_SCAN_LIMIT = 10_000;

export interface InflightEntryJson {
  messageId: string;
  batchSize: number;
  /** Messages of the entry still unacknowledged (a batch may be partly acked by index). */
  unackedMessages: number;
  key: string | null;
  keyBase64: boolean;
  priority: number | null;
  consumerName: string;
  consumerId: number;
  address: string;
  deliveredAt: string;
  ageMs: number;
  redeliveryCount: number;
  /** Earliest moment the client's ack timeout can fire; null unless the consumer declared it. */
  ackTimeoutDeadline: string | null;
}

export interface InflightPageJson {
  /** Entries matching the filters on every page; null with `key=`, which would need every entry read. */
  total: number | null;
  returned: number;
  /** Pass as `cursor=` for the next page; null on the last page. */
  nextCursor: string | null;
  stuckThresholdSeconds: number;
  entries: InflightEntryJson[];
}

interface Held {
  readonly pageKey: PageKey;
  readonly consumer: Consumer;
  readonly pending: PendingEntry;
}

export async function listInflight(s: Subscription, q: InflightQuery): Promise<InflightPageJson> {
  const now = s.topic.broker.clock.now();
  const thresholdMs = stuckThresholdMs(s);
  const minAgeMs = q.stuck ? Math.max(q.minAgeMs, thresholdMs + 1) : q.minAgeMs;
  const held = () => heldEntries(s.consumers, q.consumer, now - minAgeMs);
  const base = { stuckThresholdSeconds: thresholdMs / 1000 };

  if (q.key === undefined) {
    let total = 0;
    const counted = (function* () {
      for (const h of held()) {
        total++;
        yield h;
      }
    })();
    const page = selectAfter(counted, q.after, q.limit);
    const infos = await entryInfos(
      s.topic.ledger,
      page.items.map((h) => h.pending.position),
    );
    const entries = page.items.map((h) => entryJson(h, infos, now));
    const more = page.afterCount > page.items.length;
    return {
      total,
      returned: entries.length,
      nextCursor: more ? cursorAt(page.items) : null,
      ...base,
      entries,
    };
  }

  // A key is only known from storage: read a bounded window of entries in page order and keep the
  // matches; when the window ends before the page is full, the cursor points at its end.
  const window = selectAfter(held(), q.after, Math.max(q.limit, Math.min(KEY_SCAN_LIMIT, q.limit * 10)));
  const infos = await entryInfos(
    s.topic.ledger,
    window.items.map((h) => h.pending.position),
  );
  const matches: Held[] = [];
  let last: Held | undefined;
  for (const h of window.items) {
    last = h;
    if (infos.get(positionToString(h.pending.position))?.key === q.key) matches.push(h);
    if (matches.length === q.limit) break;
  }
  const seen = last ? window.items.indexOf(last) + 1 : 0;
  const more = window.afterCount > seen;
  const entries = matches.map((h) => entryJson(h, infos, now));
  return {
    total: null,
    returned: entries.length,
    nextCursor: more && last ? encodeCursor(last.pageKey) : null,
    ...base,
    entries,
  };
}

function* heldEntries(consumers: readonly Consumer[], who: string | undefined, deliveredBy: number) {
  for (const c of consumers) {
    if (who !== undefined && c.name !== who && String(c.consumerId) !== who) continue;
    for (const p of c.pending.values()) {
      if (p.deliveredAt > deliveredBy) continue;
      const pageKey = {
        deliveredAt: p.deliveredAt,
        ledgerId: p.position.ledgerId,
        entryId: p.position.entryId,
      };
      yield { pageKey, consumer: c, pending: p } satisfies Held;
    }
  }
}

function cursorAt(items: readonly Held[]): string | null {
  const last = items[items.length - 1];
  return last ? encodeCursor(last.pageKey) : null;
}

function entryJson(h: Held, infos: Map<string, EntryInfo>, now: number): InflightEntryJson {
  const { consumer: c, pending: p } = h;
  const messageId = positionToString(p.position);
  const info = infos.get(messageId);
  const ackTimeoutMs = Number(c.metadata[ACK_TIMEOUT_METADATA]);
  return {
    messageId,
    batchSize: info?.batchSize ?? 1,
    unackedMessages: p.messages,
    key: info?.key ?? null,
    keyBase64: info?.keyBase64 ?? false,
    priority: info?.priority ?? null,
    consumerName: c.name,
    consumerId: c.consumerId,
    address: c.connection.remoteAddress,
    deliveredAt: new Date(p.deliveredAt).toISOString(),
    ageMs: Math.max(0, now - p.deliveredAt),
    redeliveryCount: p.redeliveryCount,
    ackTimeoutDeadline:
      Number.isFinite(ackTimeoutMs) && ackTimeoutMs > 0
        ? new Date(p.deliveredAt + ackTimeoutMs).toISOString()
        : null,
  };
}
