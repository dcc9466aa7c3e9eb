/**
 * PersistentTopicInternalStats of a topic (GET .../{topic}/internalStats): its managed ledger's
 * ledgers and each subscription's cursor, shaped as a Pulsar 4.x broker writes them. Magnetar keeps
 * cursors in the metadata store, not in cursor ledgers, so cursorLedger is -1 as in Pulsar for a
 * cursor without one.
 */
import { comparePositions, positionToString } from '../../storage/position.js';
import type { Position } from '../../storage/types.js';
import type { Subscription } from '../subscription/subscription.js';
import type { PersistentTopic } from '../topic/persistent-topic.js';
import type { CursorStatsJson, InternalStatsJson, LedgerInfoJson } from './stats-json.js';

const NO_LEDGER: LedgerInfoJson = {
  ledgerId: -1,
  entries: -1,
  size: -1,
  offloaded: false,
  underReplicated: false,
};

export function internalStats(topic: PersistentTopic): InternalStatsJson {
  const ml = topic.ledger;
  const ledgers = ml.ledgerInfos();
  const current = ledgers[ledgers.length - 1];
  const last = ml.lastConfirmed();
  const cursors: Record<string, CursorStatsJson> = {};
  let waiting = 0;
  for (const s of topic.subscriptions.values()) {
    const c = cursorStats(topic, s, last);
    cursors[s.name] = c;
    if (c.waitingReadOp) waiting++;
  }
  let pendingAdds = 0;
  for (const p of topic.producers) pendingAdds += p.pending;
  return {
    entriesAddedCounter: ml.entriesAdded,
    numberOfEntries: ledgers.reduce((n, l) => n + l.entries, 0),
    totalSize: ml.storedBytes,
    currentLedgerEntries: current?.entries ?? 0,
    currentLedgerSize: current?.size ?? 0,
    lastLedgerCreatedTimestamp: new Date(current?.timestamp ?? topic.createdAt).toISOString(),
    waitingCursorsCount: waiting,
    pendingAddEntriesCount: pendingAdds,
    lastConfirmedEntry: positionToString(topic.lastMessagePosition()),
    state: topic.terminatedAt ? 'Terminated' : topic.state === 'open' ? 'LedgerOpened' : 'Closed',
    ledgers: ledgers.map((l) => ({
      ledgerId: l.ledgerId,
      entries: l.entries,
      size: l.size,
      offloaded: false,
      underReplicated: false,
    })),
    cursors,
    schemaLedgers: [],
    compactedLedger: { ...NO_LEDGER },
  };
}

function cursorStats(topic: PersistentTopic, s: Subscription, last: Position | null): CursorStatsJson {
  const ml = topic.ledger;
  const md = s.cursor.markDeletePosition;
  const read = s.readPosition();
  const ranges = s.cursor.ackedRanges();
  const readExists = last !== null && comparePositions(read, last) <= 0;
  return {
    markDeletePosition: positionToString(md),
    readPosition: positionToString(read),
    // A cursor that has read everything waits for the next append, if someone is consuming.
    waitingReadOp: !readExists && s.consumers.length > 0,
    pendingReadOps: s.dispatcher?.busy ? 1 : 0,
    messagesConsumedCounter: ml.entriesAdded - s.backlog(),
    cursorLedger: -1,
    cursorLedgerLastEntry: -1,
    individuallyDeletedMessages: formatAckedRanges(ranges),
    // There is no cursor ledger to switch; the topic's load time stands in.
    lastLedgerSwitchTimestamp: new Date(topic.createdAt).toISOString(),
    state: 'Open',
    active: s.consumers.length > 0,
    // Pulsar counts (markDelete, readPosition] by entry ids, the read position included.
    numberOfEntriesSinceFirstNotAckedMessage: ml.countBetween(md, read) + (readExists ? 0 : 1),
    totalNonContiguousDeletedMessagesRange: ranges.length,
    subscriptionHavePendingRead: false,
    subscriptionHavePendingReplayRead: false,
    properties: {},
  };
}

/**
 * Individually acknowledged entries as Pulsar prints its range set: open-closed ranges of
 * positions, "[(3:4..3:7], (3:9..3:10]]" for entries 3:5-3:7 and 3:10.
 */
export function formatAckedRanges(ranges: ReadonlyArray<readonly [Position, Position]>): string {
  const parts = ranges.map(
    ([first, last]) => `(${first.ledgerId}:${first.entryId - 1}..${last.ledgerId}:${last.entryId}]`,
  );
  return `[${parts.join(', ')}]`;
}
