import { decodeBatch, decompressPayload, type DecodedFrame } from '../connection/wire.js';
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
  const meta = section.metadata;
  const rawId = cmd.message_id as { ledgerId: number; entryId: number };
  const redeliveryCount = Number(cmd.redelivery_count ?? 0);
  let payload = section.payload;
  const compression = meta.compression ?? COMPRESSION_NONE;
  if (compression !== COMPRESSION_NONE) {
    payload = decompressPayload(compression, payload, Number(meta.uncompressed_size ?? 0));
  }
  const base = {
    topic,
    publishTime: Number(meta.publish_time),
    redeliveryCount,
    producerName: meta.producer_name,
  };
  if (meta.num_messages_in_batch === undefined) {
    const id = new MessageId(Number(rawId.ledgerId), Number(rawId.entryId), partition, -1, 0);
    return [
      new Message({
        ...base,
        id,
        data: payload,
        properties: meta.properties,
        partitionKey: meta.partition_key,
        orderingKey: meta.ordering_key,
        eventTime: Number(meta.event_time ?? 0),
      }),
    ];
  }
  const count = Number(meta.num_messages_in_batch);
  const ackSet = cmd.ack_set as number[] | undefined;
  const slots = decodeBatch(payload, count);
  const out: Message[] = [];
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i];
    if (ackSet && ackSet.length > 0 && !ackSetHas(ackSet, i)) continue;
    if (s.metadata.compacted_out) continue;
    out.push(
      new Message({
        ...base,
        id: new MessageId(Number(rawId.ledgerId), Number(rawId.entryId), partition, i, count),
        data: s.payload,
        properties: s.metadata.properties,
        partitionKey: s.metadata.partition_key,
        orderingKey: s.metadata.ordering_key,
        eventTime: Number(s.metadata.event_time ?? 0),
      }),
    );
  }
  return out;
}
