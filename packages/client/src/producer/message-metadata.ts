import type { KeyValue, MessageMetadata, SingleMessageMetadata } from '../connection/wire.js';
import { InvalidConfigurationError } from '../errors.js';
import type { ProducerMessage } from './types.js';

export function toKeyValues(props: Record<string, string> | undefined): KeyValue[] | undefined {
  if (!props) return undefined;
  const entries = Object.entries(props);
  return entries.length === 0 ? undefined : entries.map(([key, value]) => ({ key, value: String(value) }));
}

/** The reserved property carrying a message's priority (Magnetar, docs/design/0006). */
export const PRIORITY_PROPERTY = 'magnetar.priority';

/** Refuses a priority outside 0–9 before the message takes a place in the pending queue. */
export function checkPriority(priority: number | undefined): void {
  if (priority === undefined) return;
  if (!Number.isInteger(priority) || priority < 0 || priority > 9) {
    throw new InvalidConfigurationError(`priority must be an integer from 0 to 9, not ${priority}`);
  }
}

/** The message's properties with `priority` added as the reserved property. */
function propertiesOf(msg: ProducerMessage): Record<string, string> | undefined {
  if (msg.priority === undefined) return msg.properties;
  return { ...msg.properties, [PRIORITY_PROPERTY]: String(msg.priority) };
}

function orderingKeyBytes(key: string | Buffer | undefined): Uint8Array | undefined {
  if (key === undefined) return undefined;
  return typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
}

/**
 * The key key-based batching groups by: the bytes of the ordering key, else of the partition key,
 * which is how Key_Shared picks a message's sticky key, so two messages share a batch exactly when
 * they share a sticky key. Messages without either share one group.
 */
export function batchingKeyOf(msg: ProducerMessage): string {
  const key = msg.orderingKey ?? msg.partitionKey;
  if (key === undefined) return '';
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  return `k:${bytes.toString('base64')}`;
}

/** Absolute delivery time from deliverAt / deliverAfter (MessageMetadata.deliver_at_time). */
export function deliverAtTime(msg: ProducerMessage, now: number): number | undefined {
  if (msg.deliverAt !== undefined) return msg.deliverAt;
  if (msg.deliverAfter !== undefined) return now + msg.deliverAfter;
  return undefined;
}

/** Per-message metadata inside a batch (SingleMessageMetadata, PulsarApi.proto). */
export function singleMetadata(msg: ProducerMessage, sequenceId: number): SingleMessageMetadata {
  const meta: SingleMessageMetadata = { payload_size: msg.data.length, sequence_id: sequenceId };
  if (msg.nullValue) meta.null_value = true;
  const props = toKeyValues(propertiesOf(msg));
  if (props) meta.properties = props;
  if (msg.partitionKey !== undefined) meta.partition_key = msg.partitionKey;
  if (msg.eventTimestamp !== undefined) meta.event_time = msg.eventTimestamp;
  const ok = orderingKeyBytes(msg.orderingKey);
  if (ok) meta.ordering_key = ok;
  return meta;
}

/** Entry metadata for a message sent on its own (not in a batch). */
export function entryMetadata(
  msg: ProducerMessage,
  producerName: string,
  sequenceId: number,
  now: number,
): MessageMetadata {
  const meta: MessageMetadata = { producer_name: producerName, sequence_id: sequenceId, publish_time: now };
  if (msg.nullValue) meta.null_value = true;
  const props = toKeyValues(propertiesOf(msg));
  if (props) meta.properties = props;
  if (msg.partitionKey !== undefined) meta.partition_key = msg.partitionKey;
  if (msg.eventTimestamp !== undefined) meta.event_time = msg.eventTimestamp;
  const ok = orderingKeyBytes(msg.orderingKey);
  if (ok) meta.ordering_key = ok;
  const deliverAt = deliverAtTime(msg, now);
  if (deliverAt !== undefined) meta.deliver_at_time = deliverAt;
  return meta;
}
