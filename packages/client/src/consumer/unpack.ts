import {
  decodeBatch,
  decompressPayload,
  type DecodedFrame,
  type MessageMetadata,
} from '../connection/wire.js';
import { PulsarClientError } from '../errors.js';
import { MessageId } from '../message-id.js';
import { Message } from './message.js';

const COMPRESSION_NONE = 0;

/** Whether bit `i` of a MESSAGE/ACK `ack_set` (64-bit words, little-endian bit order) is set. */
export function ackSetHas(ackSet: number[], i: number): boolean {
  const word = ackSet[Math.floor(i / 64)];
  if (word === undefined) return false;
  const bit = i % 64;
  // Words are signed 64-bit numbers; split them into halves to test bits above 31 exactly.
  const big = BigInt.asUintN(64, BigInt(word));
  return ((big >> BigInt(bit)) & 1n) === 1n;
}

/** The parts of a MESSAGE an entry's messages are built from. */
export interface EntryParts {
  topic: string;
  partition: number;
  metadata: MessageMetadata;
  /** The payload as stored: possibly compressed, possibly a batch. */
  payload: Buffer;
  ledgerId: number;
  entryId: number;
  redeliveryCount: number;
  ackSet?: number[];
  /** Replaces the id of a non-batched message (a reassembled chunked message's ChunkMessageId). */
  id?: MessageId;
}

/**
 * Turns one MESSAGE frame into the messages it carries: decompresses the payload, splits a batch
 * (SingleMessageMetadata framing) and drops batch slots already acknowledged (cleared bits of
 * CommandMessage.ack_set) or compacted out.
 */
export function unpackMessage(
  topic: string,
  partition: number,
  cmd: Record<string, unknown>,
  frame: DecodedFrame,
): Message[] {
  const section = frame.payload;
  if (!section) throw new PulsarClientError('PROTOCOL_ERROR', 'MESSAGE frame without payload');
  const rawId = cmd.message_id as { ledgerId: number; entryId: number };
  return unpackEntry({
    topic,
    partition,
    metadata: section.metadata,
    payload: section.payload,
    ledgerId: Number(rawId.ledgerId),
    entryId: Number(rawId.entryId),
    redeliveryCount: Number(cmd.redelivery_count ?? 0),
    ackSet: cmd.ack_set as number[] | undefined,
  });
}

export function unpackEntry(e: EntryParts): Message[] {
  const meta = e.metadata;
  let payload = e.payload;
  const compression = meta.compression ?? COMPRESSION_NONE;
  if (compression !== COMPRESSION_NONE) {
    payload = decompressPayload(compression, payload, Number(meta.uncompressed_size ?? 0));
  }
  // What every message of the entry shares, read once; each Message gets a plain object literal of
  // one shape (no spreads: they cost more than the rest of a message's construction).
  const topic = e.topic;
  const publishTime = Number(meta.publish_time);
  const redeliveryCount = e.redeliveryCount;
  const producerName = meta.producer_name;
  const schemaVersion = meta.schema_version;
  if (meta.num_messages_in_batch === undefined) {
    return [
      new Message({
        topic,
        id: e.id ?? new MessageId(e.ledgerId, e.entryId, e.partition, -1, 0),
        data: payload,
        properties: meta.properties,
        partitionKey: meta.partition_key,
        orderingKey: meta.ordering_key,
        publishTime,
        eventTime: Number(meta.event_time ?? 0),
        redeliveryCount,
        producerName,
        nullValue: meta.null_value === true,
        schemaVersion,
      }),
    ];
  }
  const count = Number(meta.num_messages_in_batch);
  const ackSet = e.ackSet;
  const checkAckSet = ackSet !== undefined && ackSet.length > 0;
  const slots = decodeBatch(payload, count);
  const out: Message[] = [];
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i];
    if (checkAckSet && !ackSetHas(ackSet, i)) continue;
    const sm = s.metadata;
    if (sm.compacted_out) continue;
    out.push(
      new Message({
        topic,
        id: new MessageId(e.ledgerId, e.entryId, e.partition, i, count),
        data: s.payload,
        properties: sm.properties,
        partitionKey: sm.partition_key,
        orderingKey: sm.ordering_key,
        publishTime,
        eventTime: sm.event_time === undefined ? 0 : Number(sm.event_time),
        redeliveryCount,
        producerName,
        nullValue: sm.null_value === true,
        schemaVersion,
      }),
    );
  }
  return out;
}
