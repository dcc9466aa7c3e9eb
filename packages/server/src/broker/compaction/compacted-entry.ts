/**
 * What the compactor reads out of an entry and how it writes one into the compacted ledger.
 *
 * A compacted ledger entry is `[0x0c01][ledgerId u64][entryId u64][stored entry]`: the original
 * entry's position (so consumers receive the original message ids, as Pulsar's RawMessage format
 * keeps them) followed by the entry exactly as the producer framed it. A batch whose messages are
 * only partly superseded keeps its shape: the superseded messages stay in place with
 * SingleMessageMetadata.compacted_out set and an empty payload, so batch indexes (and with them
 * message ids) do not change; clients skip compacted_out messages. Such a rewritten batch is
 * stored uncompressed with a fresh checksum.
 */
import {
  MAGIC_CRC32C,
  crc32c,
  decompress,
  encodeMessageMetadata,
  parseBatch,
  parseEntry,
  serializeBatch,
  type MessageMetadata,
  type ParsedBatchMessage,
} from '@magnetar/protocol';
import type { Entry, Position } from '../../storage/types.js';

const MAGIC = 0x0c01;
const HEADER_SIZE = 2 + 8 + 8;

/** One message of an entry, as compaction sees it. */
export interface KeyedMessage {
  /** partition_key; undefined for messages without a key, which the compacted view drops. */
  readonly key: string | undefined;
  /** null_value, or an empty payload: the key is deleted. */
  readonly tombstone: boolean;
  /** Already compacted out of a batch by an earlier compaction. */
  readonly compactedOut: boolean;
}

export function encodeCompactedEntry(original: Position, data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER_SIZE + data.length);
  out.writeUInt16BE(MAGIC, 0);
  out.writeBigUInt64BE(BigInt(original.ledgerId), 2);
  out.writeBigUInt64BE(BigInt(original.entryId), 10);
  data.copy(out, HEADER_SIZE);
  return out;
}

/** The original entry held by a compacted ledger entry; throws on anything else. */
export function decodeCompactedEntry(buf: Buffer): Entry {
  if (buf.length < HEADER_SIZE || buf.readUInt16BE(0) !== MAGIC) {
    throw new Error('not a compacted-ledger entry');
  }
  return {
    position: { ledgerId: Number(buf.readBigUInt64BE(2)), entryId: Number(buf.readBigUInt64BE(10)) },
    data: buf.subarray(HEADER_SIZE),
  };
}

/** The original position recorded in a compacted ledger entry (reads only the header). */
export function compactedPosition(buf: Buffer): Position {
  return decodeCompactedEntry(buf).position;
}

/**
 * The messages of a stored entry, in batch order. Markers, chunks of chunked messages and damaged
 * entries yield no keyed message, so they never enter the compacted view.
 */
export function messagesOf(data: Buffer): KeyedMessage[] {
  let meta: MessageMetadata;
  let payload: Buffer;
  try {
    ({ metadata: meta, payload } = parseEntry(data));
  } catch {
    return [];
  }
  if (meta.marker_type !== undefined || (meta.num_chunks_from_msg ?? 1) > 1) return [];
  if (meta.num_messages_in_batch === undefined) {
    const size = meta.compression ? (meta.uncompressed_size ?? 0) : payload.length;
    return [
      { key: meta.partition_key, tombstone: meta.null_value === true || size === 0, compactedOut: false },
    ];
  }
  const batch = batchOf(meta, payload);
  if (!batch) return [];
  return batch.map((m) => ({
    key: m.metadata.partition_key,
    tombstone: m.metadata.null_value === true || m.payload.length === 0,
    compactedOut: m.metadata.compacted_out === true,
  }));
}

/**
 * The entry with only the messages at `keep` (batch indexes) left readable; null when none is.
 * A single message or a batch kept whole is returned unchanged.
 */
export function retainMessages(data: Buffer, keep: ReadonlySet<number>, total: number): Buffer | null {
  if (keep.size === 0) return null;
  if (keep.size === total) return data;
  const { metadata: meta, payload } = parseEntry(data);
  const batch = batchOf(meta, payload);
  if (!batch) return null;
  const rebuilt = serializeBatch(
    batch.map((m, i) =>
      keep.has(i) ? m : { metadata: { ...m.metadata, compacted_out: true }, payload: Buffer.alloc(0) },
    ),
  );
  const metadata: MessageMetadata = { ...meta };
  delete metadata.compression;
  delete metadata.uncompressed_size;
  return frameEntry(metadata, rebuilt);
}

function batchOf(meta: MessageMetadata, payload: Buffer): ParsedBatchMessage[] | undefined {
  try {
    const plain = meta.compression
      ? decompress(meta.compression, payload, meta.uncompressed_size ?? 0)
      : payload;
    return parseBatch(plain, meta.num_messages_in_batch ?? 1);
  } catch {
    return undefined;
  }
}

/** `[magic][crc32c][metadataSize][metadata][payload]`, the stored form of an entry. */
function frameEntry(metadata: MessageMetadata, payload: Buffer): Buffer {
  const meta = encodeMessageMetadata(metadata);
  const out = Buffer.allocUnsafe(6 + 4 + meta.length + payload.length);
  out.writeUInt16BE(MAGIC_CRC32C, 0);
  out.writeUInt32BE(meta.length, 6);
  meta.copy(out, 10);
  payload.copy(out, 10 + meta.length);
  out.writeUInt32BE(crc32c(out.subarray(6)), 2);
  return out;
}

/** The batch index of an entry's last readable message (-1 for a message sent outside a batch). */
export function lastReadableBatchIndex(data: Buffer): number {
  let meta: MessageMetadata;
  try {
    meta = parseEntry(data).metadata;
  } catch {
    return -1;
  }
  if (meta.num_messages_in_batch === undefined) return -1;
  const messages = messagesOf(data);
  for (let i = messages.length - 1; i >= 0; i--) if (!messages[i].compactedOut) return i;
  return -1;
}
