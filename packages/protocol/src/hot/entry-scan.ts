import { MAGIC_BROKER_ENTRY_METADATA, MAGIC_CRC32C } from '../frame/constants.js';
import { Reader, WIRE_VARINT } from '../wire/wire.js';

/**
 * What a dispatcher needs from a stored entry's MessageMetadata, read without decoding the rest:
 * the generic path (parseEntry) verified the entry's CRC32C and built every field (producer name,
 * properties, ...) once per entry per subscription, ~12% of a broker dispatching to 10,000 topics.
 */
export interface EntryScan {
  /** MessageMetadata.num_messages_in_batch (1 when absent: a single message). */
  numMessages: number;
  /** MessageMetadata.deliver_at_time, 0 when absent. */
  deliverAtTime: number;
  /** MessageMetadata.publish_time, 0 when absent. */
  publishTime: number;
}

const TAG_PUBLISH_TIME = (3 << 3) | WIRE_VARINT;
const TAG_NUM_MESSAGES = (11 << 3) | WIRE_VARINT;
const TAG_DELIVER_AT = (19 << 3) | WIRE_VARINT;

/**
 * Scans `entry` ([0x0e02 broker entry metadata]? [0x0e01 crc]? [size][metadata][payload], as the
 * broker stores a SEND) for the fields of EntryScan, with the generic decoder's value rules
 * (int32 as `varint32 | 0`, 64-bit fields as signed numbers, the last occurrence winning). Other
 * fields are skipped, not validated, and the checksum is not checked: entries were validated
 * when they were published, and the client checks the checksum again. Returns undefined when the
 * layout or a varint is broken; never throws.
 */
export function scanEntry(entry: Buffer): EntryScan | undefined {
  let pos = 0;
  const end = entry.length;
  if (end - pos >= 6 && entry.readUInt16BE(pos) === MAGIC_BROKER_ENTRY_METADATA) {
    const size = entry.readUInt32BE(pos + 2);
    if (size > end - pos - 6) return undefined;
    pos += 6 + size;
  }
  if (end - pos >= 2 && entry.readUInt16BE(pos) === MAGIC_CRC32C) pos += 6;
  if (end - pos < 4) return undefined;
  const size = entry.readUInt32BE(pos);
  pos += 4;
  if (size > end - pos) return undefined;
  const r = new Reader(entry, pos, pos + size);
  let numMessages = 1;
  let deliverAtTime = 0;
  let publishTime = 0;
  try {
    while (r.pos < r.end) {
      const tag = r.varint32();
      if (tag >>> 3 === 0) return undefined;
      if (tag === TAG_NUM_MESSAGES) numMessages = r.varint32() | 0;
      else if (tag === TAG_DELIVER_AT) deliverAtTime = r.varint64();
      else if (tag === TAG_PUBLISH_TIME) publishTime = r.varint64();
      else r.skip(tag & 7);
    }
  } catch {
    return undefined;
  }
  return { numMessages, deliverAtTime, publishTime };
}
