import type { MessageMetadata } from '../connection/wire.js';
import { ChunkMessageId, type MessageId } from '../message-id.js';
import type { SendCallback } from './types.js';

/**
 * Splitting one large message into chunks (PIP-37). Chunking happens after compression, over the
 * payload as it would have been sent; every chunk repeats the message's metadata (so compression,
 * properties and keys survive) and adds the chunk fields the consumer reassembles by.
 */

/** Bytes kept free in each chunk frame for the command and checksum around the metadata. */
const FRAME_SLACK_BYTES = 64;

/**
 * The payload bytes one chunk may carry so that its frame fits the broker's limit: the advertised
 * max_message_size less the chunk's own metadata, as the Java client sizes its chunks.
 */
export function chunkCapacity(maxMessageSize: number, metadataSize: number): number {
  return Math.max(1, maxMessageSize - metadataSize - FRAME_SLACK_BYTES);
}

/** Views of `body` of at most `chunkSize` bytes each, in order (no copies). */
export function splitPayload(body: Buffer, chunkSize: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < body.length; at += chunkSize) chunks.push(body.subarray(at, at + chunkSize));
  return chunks;
}

/**
 * The metadata of chunk `chunkId` of `numChunks`: the message's own metadata plus uuid (the Java
 * client's `<producerName>-<sequenceId>`), chunk_id, num_chunks_from_msg and total_chunk_msg_size
 * (the size of the whole, possibly compressed, payload). Every chunk keeps the same sequence id.
 */
export function chunkMetadata(
  base: MessageMetadata,
  uuid: string,
  chunkId: number,
  numChunks: number,
  totalSize: number,
): MessageMetadata {
  return {
    ...base,
    uuid,
    chunk_id: chunkId,
    num_chunks_from_msg: numChunks,
    total_chunk_msg_size: totalSize,
  };
}

/** The uuid every chunk of one message carries. */
export function chunkUuid(producerName: string, sequenceId: number): string {
  return `${producerName}-${sequenceId}`;
}

/**
 * Callbacks for the `numChunks` SENDs of one message, settling the message's own callback once: it
 * resolves with a ChunkMessageId (first and last chunk, and every chunk between) when the last
 * chunk's receipt arrives, or rejects at the first chunk that fails.
 */
export function chunkCallbacks(numChunks: number, message: SendCallback): SendCallback[] {
  const ids: MessageId[] = [];
  let failed = false;
  return Array.from({ length: numChunks }, (_, i) => ({
    resolve: (id: MessageId) => {
      if (failed) return;
      ids[i] = id;
      if (i === numChunks - 1) message.resolve(new ChunkMessageId(ids[0], id, [...ids]));
    },
    reject: (err: unknown) => {
      if (failed) return;
      failed = true;
      message.reject(err);
    },
  }));
}
