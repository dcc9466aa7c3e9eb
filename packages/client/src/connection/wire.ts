import * as protocol from '@magnetar/protocol';

/**
 * The client's view of decoded commands: the subset of PulsarApi.proto fields it reads, with proto
 * field names and 64-bit integers as numbers, as @magnetar/protocol decodes them. Everything that
 * crosses into or out of the protocol package goes through the two functions below, so the client
 * depends on the frame codec in exactly one place.
 */
export interface MessageIdData {
  ledgerId: number;
  entryId: number;
  partition?: number;
  batch_index?: number;
  ack_set?: number[];
  batch_size?: number;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface MessageMetadata {
  producer_name: string;
  sequence_id: number;
  publish_time: number;
  properties?: KeyValue[];
  partition_key?: string;
  compression?: number;
  uncompressed_size?: number;
  num_messages_in_batch?: number;
  event_time?: number;
  ordering_key?: Uint8Array;
  deliver_at_time?: number;
  highest_sequence_id?: number;
  schema_version?: Uint8Array;
  null_value?: boolean;
  uuid?: string;
  num_chunks_from_msg?: number;
  total_chunk_msg_size?: number;
  chunk_id?: number;
}

export interface SingleMessageMetadata {
  properties?: KeyValue[];
  partition_key?: string;
  payload_size: number;
  compacted_out?: boolean;
  event_time?: number;
  ordering_key?: Uint8Array;
  sequence_id?: number;
  null_value?: boolean;
}

/** A decoded command: `type` plus one sub-command object named as in BaseCommand. */
export interface Command {
  type: number;
  [field: string]: unknown;
}

export interface PayloadSection {
  metadata: MessageMetadata;
  payload: Buffer;
  /** The CRC32C carried on the wire; undefined when the frame had none. */
  checksum?: number;
  /** True when there is no checksum or it matches metadataSize + metadata + payload. */
  checksumValid: boolean;
}

export interface DecodedFrame {
  command: Command;
  payload?: PayloadSection;
}

export const CommandType = protocol.CommandType;

/** Runs of small frames joined into one buffer each, large frames as they are (same bytes, same order). */
export function coalesceFrames(frames: readonly Buffer[]): Buffer[] {
  return (protocol.coalesceFrames as (f: readonly Buffer[]) => Buffer[])(frames);
}

export function encodeCommand(cmd: Command): Buffer {
  return (protocol.serializeCommand as (c: unknown) => Buffer)(cmd);
}

export function encodePayloadCommand(cmd: Command, metadata: MessageMetadata, payload: Buffer): Buffer {
  const serialize = protocol.serializePayloadCommand as (
    c: unknown,
    m: unknown,
    p: Buffer,
    o: { checksum?: boolean },
  ) => Buffer;
  return serialize(cmd, metadata, payload, { checksum: true });
}

/** The parts of a topic name the client needs (Pulsar's TopicName). */
export interface TopicNameParts {
  /** `domain://tenant/namespace/topic`, the name as given but in full form. */
  full: string;
  /** The full name without a `-partition-N` suffix. */
  partitioned: string;
  /** `tenant/namespace` */
  namespace: string;
  domain: 'persistent' | 'non-persistent';
}

/** Parses a topic name (short forms allowed); throws the protocol's INVALID_TOPIC_NAME error. */
export function parseTopicName(name: string): TopicNameParts {
  const t = protocol.TopicName.parse(name);
  return {
    full: t.toString(),
    partitioned: t.partitionedTopicName,
    namespace: t.namespace,
    domain: t.domain,
  };
}

/** Bytes `metadata` takes once encoded (MessageMetadata protobuf), to size chunks. */
export function encodedMetadataSize(metadata: MessageMetadata): number {
  return (protocol.encodeMessageMetadata as (m: unknown) => Buffer)(metadata).length;
}

/** Incremental decoder for one socket's byte stream. */
export class FrameReader {
  private readonly decoder: { push(chunk: Buffer): void; next(): unknown; bufferedBytes: number };

  constructor(maxFrameSize: number) {
    this.decoder = new protocol.FrameDecoder({ maxFrameSize }) as unknown as FrameReader['decoder'];
  }

  push(chunk: Buffer): void {
    this.decoder.push(chunk);
  }

  next(): DecodedFrame | null {
    return this.decoder.next() as DecodedFrame | null;
  }

  /** Bytes received and not yet returned as frames. */
  get bufferedBytes(): number {
    return this.decoder.bufferedBytes;
  }
}

/** Frames a batch's messages: `[size][SingleMessageMetadata][payload]` per message (protocol §1.7). */
export function encodeBatch(entries: { metadata: SingleMessageMetadata; payload: Buffer }[]): Buffer {
  return (protocol.serializeBatch as (e: unknown) => Buffer)(entries);
}

export function decodeBatch(
  payload: Buffer,
  count: number,
): { metadata: SingleMessageMetadata; payload: Buffer }[] {
  return (
    protocol.parseBatch as (p: Buffer, n: number) => { metadata: SingleMessageMetadata; payload: Buffer }[]
  )(payload, count);
}

export function compressPayload(type: number, data: Buffer): Buffer {
  return (protocol.compress as (t: number, d: Buffer) => Buffer)(type, data);
}

export function decompressPayload(type: number, data: Buffer, uncompressedSize: number): Buffer {
  return (protocol.decompress as (t: number, d: Buffer, n: number) => Buffer)(type, data, uncompressedSize);
}

/** Java's String.hashCode over the key (Pulsar's JavaStringHash), made non-negative. */
export function javaStringHash(key: string): number {
  return ((protocol.javaStringHash as (k: string) => number)(key) & 0x7fffffff) >>> 0;
}

/** MurmurHash3 x86_32, seed 0, over the key's UTF-8 bytes (Pulsar's Murmur3_32Hash), non-negative. */
export function murmur3Hash(key: string): number {
  return ((protocol.murmur3_32 as (k: Uint8Array) => number)(Buffer.from(key, 'utf8')) & 0x7fffffff) >>> 0;
}
