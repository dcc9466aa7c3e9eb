/**
 * Shared steps of the topic and subscription admin tests: a raw protocol connection that produces
 * and consumes exactly the frames a test needs, binary-safe HTTP for peek, and Pulsar's stats field
 * names (from a Pulsar 4.1 broker's `pulsar-admin topics stats` / `stats-internal` output).
 */
import {
  CommandType,
  CompressionType,
  compress,
  serializeBatch,
  type Frame,
  type MessageMetadata,
} from '@magnetar/protocol';
import { RawClient } from '../helpers/raw-client.js';

let requestId = 50_000;
let sequence = 0;

/** A raw connection with one producer (id 1) on `topic`. */
export async function rawProducer(port: number, topic: string, producerId = 1): Promise<RawClient> {
  const c = await RawClient.connected(port);
  const rid = requestId++;
  c.send({ type: CommandType.PRODUCER, producer: { topic, producer_id: producerId, request_id: rid } });
  const answer = await c.response(rid);
  if (answer.command.type !== CommandType.PRODUCER_SUCCESS) {
    throw new Error(`producer refused: ${JSON.stringify(answer.command)}`);
  }
  return c;
}

/** Sends one entry and resolves with its receipt or send error frame. */
export async function sendRaw(
  c: RawClient,
  payload: Buffer,
  metadata: Partial<MessageMetadata> = {},
  producerId = 1,
): Promise<Frame> {
  const seq = sequence++;
  const meta: MessageMetadata = {
    producer_name: 'raw',
    sequence_id: seq,
    publish_time: Date.now(),
    ...metadata,
  };
  c.sendPayload(
    {
      type: CommandType.SEND,
      send: { producer_id: producerId, sequence_id: seq, num_messages: meta.num_messages_in_batch ?? 1 },
    },
    meta,
    payload,
  );
  return c.next(
    (f) =>
      (f.command.type === CommandType.SEND_RECEIPT && f.command.send_receipt?.sequence_id === seq) ||
      (f.command.type === CommandType.SEND_ERROR && f.command.send_error?.sequence_id === seq),
  );
}

/** Sends one message; resolves with its "ledger:entry". */
export async function send(
  c: RawClient,
  text: string,
  metadata: Partial<MessageMetadata> = {},
): Promise<string> {
  const f = await sendRaw(c, Buffer.from(text), metadata);
  const id = f.command.send_receipt?.message_id;
  if (!id) throw new Error(`send failed: ${JSON.stringify(f.command)}`);
  return `${id.ledgerId}:${id.entryId}`;
}

/** Sends the texts as one batch entry, compressed with `compression` (default none). */
export async function sendBatch(
  c: RawClient,
  texts: string[],
  compression: number = CompressionType.NONE,
): Promise<string> {
  const batch = serializeBatch(
    texts.map((t, i) => ({
      metadata: { payload_size: 0, properties: [{ key: 'index', value: String(i) }] },
      payload: Buffer.from(t),
    })),
  );
  const meta: Partial<MessageMetadata> = { num_messages_in_batch: texts.length };
  if (compression !== CompressionType.NONE) {
    meta.compression = compression;
    meta.uncompressed_size = batch.length;
  }
  const f = await sendRaw(c, compress(compression, batch), meta);
  const id = f.command.send_receipt?.message_id;
  if (!id) throw new Error(`batch send failed: ${JSON.stringify(f.command)}`);
  return `${id.ledgerId}:${id.entryId}`;
}

/** Subscribes consumer `consumerId` on a raw connection; throws on refusal. */
export async function rawSubscribe(
  c: RawClient,
  topic: string,
  subscription: string,
  consumerId: number,
  subType = 0,
  consumerName = `c${consumerId}`,
): Promise<void> {
  const rid = requestId++;
  c.send({
    type: CommandType.SUBSCRIBE,
    subscribe: {
      topic,
      subscription,
      subType,
      consumer_id: consumerId,
      request_id: rid,
      consumer_name: consumerName,
      initialPosition: 1,
    },
  });
  const answer = await c.response(rid);
  if (answer.command.type !== CommandType.SUCCESS) {
    throw new Error(`subscribe refused: ${JSON.stringify(answer.command)}`);
  }
}

export function flow(c: RawClient, consumerId: number, permits: number): void {
  c.send({ type: CommandType.FLOW, flow: { consumer_id: consumerId, messagePermits: permits } });
}

export function ackIds(c: RawClient, consumerId: number, ids: { ledgerId: number; entryId: number }[]): void {
  c.send({ type: CommandType.ACK, ack: { consumer_id: consumerId, ack_type: 0, message_id: ids } });
}

export function nextMessage(c: RawClient, consumerId: number): Promise<Frame> {
  return c.next(
    (f) => f.command.type === CommandType.MESSAGE && f.command.message?.consumer_id === consumerId,
  );
}

export interface RawAnswer {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** Any request under `base`, body bytes kept as they are (for peek). */
export async function httpRaw(
  base: string,
  method: string,
  path: string,
  json?: unknown,
): Promise<RawAnswer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: json === undefined ? {} : { 'content-type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** Polls until `cond` holds; no fixed sleeps. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let topicSeq = 0;
/** "tenant/ns/local" path part and the full name of a topic no other test uses. */
export function freshTopic(prefix: string, ns = 'public/default'): { path: string; name: string } {
  const local = `${prefix}-${Date.now().toString(36)}-${topicSeq++}`;
  return { path: `/persistent/${ns}/${local}`, name: `persistent://${ns}/${local}` };
}

// Field names as a Pulsar 4.1 broker writes them (null fields are left out there and here).
// prettier-ignore
export const PULSAR_TOPIC_STATS_FIELDS = [
  'msgRateIn', 'msgThroughputIn', 'msgRateOut', 'msgThroughputOut', 'bytesInCounter', 'msgInCounter',
  'systemTopicBytesInCounter', 'bytesOutCounter', 'msgOutCounter', 'bytesOutInternalCounter',
  'averageMsgSize', 'msgChunkPublished', 'storageSize', 'backlogSize', 'backlogQuotaLimitSize',
  'backlogQuotaLimitTime', 'oldestBacklogMessageAgeSeconds', 'publishRateLimitedTimes',
  'earliestMsgPublishTimeInBacklogs', 'offloadedStorageSize', 'lastOffloadLedgerId',
  'lastOffloadSuccessTimeStamp', 'lastOffloadFailureTimeStamp', 'ongoingTxnCount', 'abortedTxnCount',
  'committedTxnCount', 'publishers', 'waitingPublishers', 'subscriptions', 'replication',
  'deduplicationStatus', 'nonContiguousDeletedMessagesRanges',
  'nonContiguousDeletedMessagesRangesSerializedSize', 'delayedMessageIndexSizeInBytes', 'compaction',
  'ownerBroker', 'topicCreationTimeStamp', 'lastPublishTimeStamp',
];
// prettier-ignore
export const PULSAR_PUBLISHER_FIELDS = [
  'accessMode', 'msgRateIn', 'msgThroughputIn', 'averageMsgSize', 'chunkedMessageRate', 'producerId',
  'supportsPartialProducer', 'metadata', 'producerName', 'address', 'connectedSince', 'clientVersion',
];
// prettier-ignore
export const PULSAR_SUBSCRIPTION_FIELDS = [
  'msgRateOut', 'msgThroughputOut', 'bytesOutCounter', 'msgOutCounter', 'msgRateRedeliver',
  'messageAckRate', 'chunkedMessageRate', 'msgBacklog', 'backlogSize', 'earliestMsgPublishTimeInBacklog',
  'msgBacklogNoDelayed', 'blockedSubscriptionOnUnackedMsgs', 'msgDelayed', 'msgInReplay',
  'unackedMessages', 'type', 'msgRateExpired', 'totalMsgExpired', 'lastExpireTimestamp',
  'lastConsumedFlowTimestamp', 'lastConsumedTimestamp', 'lastAckedTimestamp',
  'lastMarkDeleteAdvancedTimestamp', 'consumers', 'isDurable', 'isReplicated', 'allowOutOfOrderDelivery',
  'consumersAfterMarkDeletePosition', 'drainingHashesCount', 'drainingHashesClearedTotal',
  'drainingHashesUnackedMessages', 'nonContiguousDeletedMessagesRanges',
  'nonContiguousDeletedMessagesRangesSerializedSize', 'delayedMessageIndexSizeInBytes',
  'subscriptionProperties', 'filterProcessedMsgCount', 'filterAcceptedMsgCount', 'filterRejectedMsgCount',
  'filterRescheduledMsgCount', 'durable', 'replicated',
];
// prettier-ignore
export const PULSAR_CONSUMER_FIELDS = [
  'msgRateOut', 'msgThroughputOut', 'bytesOutCounter', 'msgOutCounter', 'msgRateRedeliver',
  'messageAckRate', 'chunkedMessageRate', 'consumerName', 'availablePermits', 'unackedMessages',
  'avgMessagesPerEntry', 'blockedConsumerOnUnackedMsgs', 'drainingHashesCount', 'drainingHashesClearedTotal',
  'drainingHashesUnackedMessages', 'address', 'connectedSince', 'clientVersion', 'lastAckedTimestamp',
  'lastConsumedTimestamp', 'lastConsumedFlowTimestamp', 'metadata', 'lastAckedTime', 'lastConsumedTime',
];
// prettier-ignore
export const PULSAR_INTERNAL_STATS_FIELDS = [
  'entriesAddedCounter', 'numberOfEntries', 'totalSize', 'currentLedgerEntries', 'currentLedgerSize',
  'lastLedgerCreatedTimestamp', 'waitingCursorsCount', 'pendingAddEntriesCount', 'lastConfirmedEntry',
  'state', 'ledgers', 'cursors', 'schemaLedgers', 'compactedLedger',
];
// prettier-ignore
export const PULSAR_CURSOR_FIELDS = [
  'markDeletePosition', 'readPosition', 'waitingReadOp', 'pendingReadOps', 'messagesConsumedCounter',
  'cursorLedger', 'cursorLedgerLastEntry', 'individuallyDeletedMessages', 'lastLedgerSwitchTimestamp',
  'state', 'active', 'numberOfEntriesSinceFirstNotAckedMessage', 'totalNonContiguousDeletedMessagesRange',
  'subscriptionHavePendingRead', 'subscriptionHavePendingReplayRead', 'properties',
];
