import { decodeMessageIdData, encodeMessageIdData } from './message-id-codec.js';

/** Long.MAX_VALUE as a double; the protocol encoder saturates it back to 0x7fff_ffff_ffff_ffff. */
const LATEST = 2 ** 63;

/**
 * Identifies one message: the entry (ledgerId, entryId) it was stored in, the partition of the topic,
 * and its index within a batch entry (-1 when the entry holds a single message).
 */
export class MessageId {
  constructor(
    readonly ledgerId: number,
    readonly entryId: number,
    readonly partition = -1,
    readonly batchIndex = -1,
    readonly batchSize = 0,
  ) {}

  /** The position before the first message of a topic (Pulsar writes -1/-1). */
  static earliest(): MessageId {
    return new MessageId(-1, -1, -1, -1);
  }

  /** The position after the last message of a topic (Pulsar writes Long.MAX_VALUE twice). */
  static latest(): MessageId {
    return new MessageId(LATEST, LATEST, -1, -1);
  }

  /** Reads the `MessageIdData` form; an id carrying first_chunk_message_id is a ChunkMessageId. */
  static deserialize(data: Uint8Array): MessageId {
    const f = decodeMessageIdData(data);
    const id = new MessageId(f.ledgerId, f.entryId, f.partition, f.batchIndex, f.batchSize);
    if (!f.firstChunk) return id;
    const first = f.firstChunk;
    return new ChunkMessageId(new MessageId(first.ledgerId, first.entryId, first.partition), id);
  }

  /** Parses the `ledger:entry:partition:batch` form that `toString` produces. */
  static fromString(text: string): MessageId {
    const parts = text.split(':').map(Number);
    if (parts.length < 2 || parts.length > 4 || parts.some((p) => !Number.isInteger(p))) {
      throw new TypeError(`not a message id: ${text}`);
    }
    return new MessageId(parts[0], parts[1], parts[2] ?? -1, parts[3] ?? -1);
  }

  /** Compact binary form (a `MessageIdData` protobuf), as the official clients produce. */
  serialize(): Buffer {
    return encodeMessageIdData(this);
  }

  /** Every stored entry this message occupies: itself, or all chunks of a chunked message. */
  entries(): readonly MessageId[] {
    return [this];
  }

  isEarliest(): boolean {
    return this.ledgerId === -1 && this.entryId === -1;
  }

  isLatest(): boolean {
    return this.ledgerId >= LATEST && this.entryId >= LATEST;
  }

  /**
   * Orders ids by (ledgerId, entryId, batchIndex), the order consumers see. The partition is not
   * compared: ids from different partitions have no order, as in Pulsar.
   */
  compareTo(other: MessageId): number {
    return MessageId.compare(this, other);
  }

  static compare(a: MessageId, b: MessageId): number {
    if (a.ledgerId !== b.ledgerId) return a.ledgerId < b.ledgerId ? -1 : 1;
    if (a.entryId !== b.entryId) return a.entryId < b.entryId ? -1 : 1;
    if (a.batchIndex !== b.batchIndex) return a.batchIndex < b.batchIndex ? -1 : 1;
    return 0;
  }

  equals(other: MessageId): boolean {
    return MessageId.compare(this, other) === 0 && this.partition === other.partition;
  }

  /** The id of the whole entry, without the batch index (what the broker redelivers). */
  entryKey(): string {
    return `${this.ledgerId}:${this.entryId}:${this.partition}`;
  }

  toString(): string {
    return `${this.ledgerId}:${this.entryId}:${this.partition}:${this.batchIndex}`;
  }

  /** The `MessageIdData` fields in the protocol's object form. */
  toProto(): { ledgerId: number; entryId: number; partition?: number; batch_index?: number } {
    const out: { ledgerId: number; entryId: number; partition?: number; batch_index?: number } = {
      ledgerId: this.ledgerId,
      entryId: this.entryId,
    };
    if (this.partition >= 0) out.partition = this.partition;
    if (this.batchIndex >= 0) out.batch_index = this.batchIndex;
    return out;
  }
}

/**
 * The id of a message the producer split into chunks (PIP-37): it names the last chunk, so it sorts
 * where the message became complete, and carries the first chunk's position (MessageIdData
 * first_chunk_message_id), as the Java client's ChunkMessageIdImpl does. The consumer that delivered
 * it also knows every chunk in between, so acknowledging or negatively acknowledging it covers them
 * all; a deserialized chunk id knows only the two ends and the consumer looks the rest up.
 */
export class ChunkMessageId extends MessageId {
  private readonly chunks: readonly MessageId[];

  constructor(
    readonly firstChunkId: MessageId,
    readonly lastChunkId: MessageId,
    chunkIds?: readonly MessageId[],
  ) {
    super(lastChunkId.ledgerId, lastChunkId.entryId, lastChunkId.partition, -1, 0);
    this.chunks = chunkIds ?? [firstChunkId, lastChunkId];
  }

  override entries(): readonly MessageId[] {
    return this.chunks;
  }

  override serialize(): Buffer {
    return encodeMessageIdData({ ...this, firstChunk: { ...this.firstChunkId } });
  }

  /** `first-last`, each in the plain form, as Java prints a ChunkMessageIdImpl. */
  override toString(): string {
    return `${this.firstChunkId.toString()}-${this.lastChunkId.toString()}`;
  }
}
