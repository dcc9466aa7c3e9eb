import { ProtocolError } from '../errors.js';
import type { SingleMessageMetadata } from '../schema/types-common.js';
import { readSingleMetadata, singleMetadataSize, writeSingleMetadata } from './single-metadata.js';

/**
 * Batch payloads (developing-binary-protocol.md, "Batch messages"): the uncompressed payload of a
 * batch entry is N repetitions of [u32 BE size][SingleMessageMetadata][payload of payload_size].
 */

export interface BatchMessage {
  /** payload_size, if set, is ignored: the payload's length is written. */
  metadata: Omit<SingleMessageMetadata, 'payload_size'> & { payload_size?: number };
  payload: Uint8Array;
}

export interface ParsedBatchMessage {
  metadata: SingleMessageMetadata;
  /** A view of the batch buffer. */
  payload: Buffer;
}

/**
 * Builds a batch payload; each message's payload_size is its payload's length (the caller's
 * metadata objects are read, never changed). One sizing pass, one buffer, one writing pass.
 */
export function serializeBatch(messages: readonly BatchMessage[]): Buffer {
  let total = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    total += 4 + singleMetadataSize(m.metadata, m.payload.length) + m.payload.length;
  }
  const buf = Buffer.allocUnsafe(total);
  let pos = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const metaEnd = writeSingleMetadata(m.metadata, m.payload.length, buf, pos + 4);
    buf.writeUInt32BE(metaEnd - pos - 4, pos);
    buf.set(m.payload, metaEnd);
    pos = metaEnd + m.payload.length;
  }
  // Pair assertion: the writer wrote exactly what the sizing pass promised.
  if (pos !== total) throw new Error(`serializeBatch wrote ${pos} bytes, sized ${total}`);
  return buf;
}

function malformed(message: string): ProtocolError {
  return new ProtocolError('MALFORMED_BATCH', message);
}

/**
 * Splits an (already decompressed) batch payload into `count` messages, `count` being
 * MessageMetadata.num_messages_in_batch. Any inconsistency (sizes past the end, a negative or
 * missing payload_size, bytes left over) is a ProtocolError('MALFORMED_BATCH').
 */
export function parseBatch(payload: Buffer, count: number): ParsedBatchMessage[] {
  if (!Number.isInteger(count) || count < 0) throw malformed(`bad message count ${count}`);
  // Each message needs at least its 4-byte size field, which bounds a hostile count.
  if (count > payload.length / 4) throw malformed(`${count} messages cannot fit in ${payload.length} bytes`);
  const out: ParsedBatchMessage[] = [];
  let pos = 0;
  for (let i = 0; i < count; i++) {
    if (payload.length - pos < 4) throw malformed(`message ${i}: truncated metadata size`);
    const metaSize = payload.readUInt32BE(pos);
    pos += 4;
    if (metaSize > payload.length - pos) throw malformed(`message ${i}: metadata runs past the end`);
    let metadata: SingleMessageMetadata;
    try {
      metadata = readSingleMetadata(payload, pos, pos + metaSize);
    } catch (err) {
      throw new ProtocolError('MALFORMED_BATCH', `message ${i}: bad metadata`, { cause: err });
    }
    pos += metaSize;
    const size = metadata.payload_size;
    if (size === undefined || size < 0) throw malformed(`message ${i}: bad payload_size ${size}`);
    if (size > payload.length - pos) throw malformed(`message ${i}: payload runs past the end`);
    out.push({ metadata, payload: payload.subarray(pos, pos + size) });
    pos += size;
  }
  if (pos !== payload.length) throw malformed(`${payload.length - pos} bytes left after ${count} messages`);
  return out;
}
