/**
 * How `magnetar admin topics` shows topic stats, internal stats and message ids to people: a few
 * aligned tables instead of Pulsar's JSON (which --json prints unchanged).
 */
import { table } from './output.js';

type Json = Record<string, unknown>;

const num = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : '-');
const str = (v: unknown) => (v === undefined || v === null || v === '' ? '-' : String(v));
const time = (v: unknown) => (typeof v === 'number' && v > 0 ? new Date(v).toISOString() : '-');

/** "ledgerId:entryId", with the batch index when the id names a message inside a batch. */
export function showMessageId(v: unknown): string {
  const id = v as { ledgerId: number; entryId: number; batchIndex?: number };
  const base = `${id.ledgerId}:${id.entryId}`;
  return id.batchIndex === undefined ? base : `${base} (batch index ${id.batchIndex})`;
}

export function showTopicStats(v: unknown): string {
  const s = v as Json;
  const summary = table(
    [
      'msgRateIn',
      'msgThroughputIn',
      'msgRateOut',
      'msgThroughputOut',
      'msgInCounter',
      'msgOutCounter',
      'bytesInCounter',
      'bytesOutCounter',
      'averageMsgSize',
      'storageSize',
      'backlogSize',
      'deduplicationStatus',
    ]
      .map((k) => [k, typeof s[k] === 'number' ? num(s[k]) : str(s[k])])
      .concat([['lastPublishTime', time(s.lastPublishTimeStamp)]]),
  );
  const publishers = (s.publishers as Json[] | undefined) ?? [];
  const subs = Object.entries((s.subscriptions as Record<string, Json> | undefined) ?? {});
  const parts = [summary];
  if (publishers.length > 0) {
    const rows = publishers.map((p) =>
      [p.producerName, p.producerId, p.accessMode, p.msgRateIn, p.address, p.clientVersion].map((x) =>
        typeof x === 'number' ? num(x) : str(x),
      ),
    );
    parts.push(
      `publishers\n${table([['name', 'id', 'accessMode', 'msgRateIn', 'address', 'client'], ...rows])}`,
    );
  }
  if (subs.length > 0) {
    const rows = subs.map(([name, st]) => [
      name,
      str(st.type),
      num(st.msgBacklog),
      num(st.msgDelayed),
      num(st.unackedMessages),
      num((st.consumers as unknown[] | undefined)?.length ?? 0),
      num(st.msgRateOut),
      str(st.activeConsumerName),
    ]);
    const head = ['name', 'type', 'backlog', 'delayed', 'unacked', 'consumers', 'msgRateOut', 'active'];
    parts.push(`subscriptions\n${table([head, ...rows])}`);
    const consumerRows = subs.flatMap(([name, st]) =>
      ((st.consumers as Json[] | undefined) ?? []).map((c) => [
        name,
        str(c.consumerName),
        num(c.availablePermits),
        num(c.unackedMessages),
        str(c.address),
        str(c.connectedSince),
      ]),
    );
    if (consumerRows.length > 0) {
      const consumerHead = ['subscription', 'consumer', 'permits', 'unacked', 'address', 'connectedSince'];
      parts.push(`consumers\n${table([consumerHead, ...consumerRows])}`);
    }
  }
  return parts.join('\n\n');
}

export function showInternalStats(v: unknown): string {
  const s = v as Json;
  const summary = table(
    [
      'entriesAddedCounter',
      'numberOfEntries',
      'totalSize',
      'currentLedgerEntries',
      'currentLedgerSize',
      'lastConfirmedEntry',
      'state',
    ].map((k) => [k, typeof s[k] === 'number' ? num(s[k]) : str(s[k])]),
  );
  const ledgers = ((s.ledgers as Json[] | undefined) ?? []).map((l) => [
    num(l.ledgerId),
    num(l.entries),
    num(l.size),
  ]);
  const cursors = Object.entries((s.cursors as Record<string, Json> | undefined) ?? {}).map(([name, c]) => [
    name,
    str(c.markDeletePosition),
    str(c.readPosition),
    str(c.individuallyDeletedMessages),
    str(c.active),
  ]);
  const parts = [summary, `ledgers\n${table([['ledgerId', 'entries', 'size'], ...ledgers])}`];
  if (cursors.length > 0) {
    const head = ['cursor', 'markDeletePosition', 'readPosition', 'individuallyDeletedMessages', 'active'];
    parts.push(`cursors\n${table([head, ...cursors])}`);
  }
  return parts.join('\n\n');
}
