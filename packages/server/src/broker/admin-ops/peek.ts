/**
 * Peek at a subscription's n-th unacknowledged entry (GET .../subscription/{sub}/position/{n}) the
 * way Pulsar's generateResponseWithEntry answers: the payload, decompressed, as the body, and the
 * metadata as X-Pulsar-* headers. A batch entry's body is the whole batch (SingleMessageMetadata
 * framing) with X-Pulsar-Num-Batch-Message, which pulsar-admin and the Go admin client split
 * themselves; `magnetar admin topics peek-messages` does the same with parseBatch.
 */
import { CompressionType, decompress, parseEntry, type TopicName } from '@magnetar/protocol';
import { notFound, preconditionFailed } from '../../resources/errors.js';
import { positionToString } from '../../storage/position.js';
import type { Entry } from '../../storage/types.js';
import type { BrokerService } from '../broker-service.js';
import { nthUnacked } from './positions.js';
import { refusePartitioned, requireSubscription, requireTopic } from './topic-ref.js';

export interface PeekedEntry {
  headers: Record<string, string>;
  body: Buffer;
}

/** `n` counts entries from 1, individually acknowledged ones skipped; 404 "Message not found" past the end. */
export async function peekNthMessage(
  broker: BrokerService,
  name: TopicName,
  sub: string,
  n: number,
): Promise<PeekedEntry> {
  if (!Number.isSafeInteger(n) || n < 1) throw preconditionFailed(`Invalid message position: ${n}`);
  await refusePartitioned(broker, name, 'Peek messages on a partitioned topic is not allowed');
  const topic = await requireTopic(broker, name);
  const s = requireSubscription(topic, sub);
  const at = nthUnacked(topic.ledger, s.cursor, n);
  const [entry] = at ? await topic.ledger.read(at, 1, Number.MAX_SAFE_INTEGER) : [];
  if (!entry) throw notFound('Message not found');
  return entryResponse(entry);
}

/** Headers and body for one stored entry. */
export function entryResponse(entry: Entry): PeekedEntry {
  const { metadata: m, payload } = parseEntry(entry.data);
  const h: Record<string, string> = { 'X-Pulsar-Message-ID': positionToString(entry.position) };
  const props = m.properties ?? [];
  for (const { key, value } of props) {
    if (isToken(key) && isHeaderValue(value)) h[`X-Pulsar-Property-${key}`] = value;
  }
  // All properties once more as one JSON header (Pulsar PR #20627), keeping their case and any
  // character a header cannot carry (escaped to ASCII).
  h['X-Pulsar-Property'] = asciiJson(Object.fromEntries(props.map((p) => [p.key, p.value])));
  const iso = (ms: number) => new Date(ms).toISOString();
  if (m.publish_time) h['X-Pulsar-Publish-Time'] = iso(m.publish_time);
  if (m.event_time) h['X-Pulsar-Event-Time'] = iso(m.event_time);
  if (m.deliver_at_time !== undefined) h['X-Pulsar-Deliver-At-Time'] = iso(m.deliver_at_time);
  const encrypted = (m.encryption_keys ?? []).length > 0;
  const optional: [string, unknown][] = [
    ['X-Pulsar-Num-Batch-Message', m.num_messages_in_batch],
    ['X-Pulsar-Producer-Name', m.producer_name],
    ['X-Pulsar-Sequence-Id', m.sequence_id],
    ['X-Pulsar-Highest-Sequence-Id', m.highest_sequence_id],
    ['X-Pulsar-Partition-Key', m.partition_key],
    ['X-Pulsar-Partition-Key-B64-Encoded', m.partition_key_b64_encoded],
    ['X-Pulsar-Null-Value', m.null_value],
    ['X-Pulsar-Uncompressed-Size', m.uncompressed_size],
    ['X-Pulsar-Uuid', m.uuid],
    ['X-Pulsar-Chunk-Id', m.chunk_id],
    ['X-Pulsar-Num-Chunks-From-Msg', m.num_chunks_from_msg],
    ['X-Pulsar-Total-Chunk-Msg-Size', m.total_chunk_msg_size],
  ];
  for (const [k, v] of optional) if (v !== undefined && isHeaderValue(String(v))) h[k] = String(v);
  if (m.compression) h['X-Pulsar-Compression'] = compressionName(m.compression);
  if (m.ordering_key) h['X-Pulsar-Base64-Ordering-Key'] = Buffer.from(m.ordering_key).toString('base64');
  if (m.schema_version) {
    h['X-Pulsar-Base64-Schema-Version'] = Buffer.from(m.schema_version).toString('base64');
  }
  h['X-Pulsar-Is-Encrypted'] = String(encrypted);
  // An encrypted payload was compressed before encryption: only the consumer can undo either.
  const body =
    m.compression && !encrypted
      ? decompress(m.compression, payload, m.uncompressed_size ?? 0)
      : Buffer.from(payload);
  return { headers: h, body };
}

function compressionName(type: number): string {
  for (const [name, value] of Object.entries(CompressionType)) if (value === type) return name;
  return String(type);
}

/** An HTTP token (RFC 9110), so a property key can be part of a header name. */
function isToken(s: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(s);
}

/** Visible ASCII, spaces and tabs: what every HTTP stack passes through unchanged. */
function isHeaderValue(s: string): boolean {
  return /^[\t\x20-\x7e]*$/.test(s);
}

function asciiJson(v: unknown): string {
  return JSON.stringify(v).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
