import { ProtocolError } from '../errors.js';
import { SINGLE_MESSAGE_METADATA_DESCRIPTOR, decodeSingleMessageMetadata } from '../messages.js';
import type { SingleMessageMetadata } from '../schema/types-common.js';
import { encodeInto, measure } from '../wire/codec.js';

/**
 * Batch payloads (developing-binary-protocol.md, "Batch messages"): the uncompressed payload of a
 * batch entry is N repetitions of [u32 BE size][SingleMessageMetadata][payload of payload_size].
 */

export interface BatchMessage {
  metadata: SingleMessageMetadata;
  payload: Uint8Array;
}

export interface ParsedBatchMessage {
  metadata: SingleMessageMetadata;
  /** A view of the batch buffer. */
  payload: Buffer;
}

/** Builds a batch payload; sets each metadata's payload_size (on a copy, not the caller's object). */
export function serializeBatch(messages: readonly BatchMessage[]): Buffer {
  const metas = messages.map((m) => ({ ...m.metadata, payload_size: m.payload.length }));
  // measure/encodeInto share per-call state, so each metadata is measured right before it is
  // written: first a pass for sizes only, then a pass that measures and writes again.
  let total = 0;
  for (let i = 0; i < metas.length; i++)
    total += 4 + measure(SINGLE_MESSAGE_METADATA_DESCRIPTOR, metas[i]) + messages[i].payload.length;
  const buf = Buffer.allocUnsafe(total);
  let pos = 0;
  for (let i = 0; i < metas.length; i++) {
    const size = measure(SINGLE_MESSAGE_METADATA_DESCRIPTOR, metas[i]);
    buf.writeUInt32BE(size, pos);
    pos = encodeInto(SINGLE_MESSAGE_METADATA_DESCRIPTOR, metas[i], buf, pos + 4);
    buf.set(messages[i].payload, pos);
    pos += messages[i].payload.length;
  }
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
      metadata = decodeSingleMessageMetadata(payload, pos, pos + metaSize);
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
