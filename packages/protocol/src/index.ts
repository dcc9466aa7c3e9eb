/**
 * @magnetar/protocol: Pulsar's wire format shared by the broker and the client.
 */
export * from './errors.js';
export * from './schema/enums.js';
export type * from './schema/types-common.js';
export type * from './schema/types-commands.js';
export type * from './schema/types-txn.js';
export type * from './schema/types-base.js';
export { MESSAGE_DESCRIPTORS, descriptorOf } from './schema/registry.js';
export type { FieldDescriptor, FieldSpec, MessageDescriptor, ScalarKind } from './wire/descriptor.js';
export { decodeMessage, encodeMessage } from './wire/codec.js';
export { INT64_MAX_AS_NUMBER } from './wire/wire.js';
export * from './messages.js';

// frames, batches, compression, ids, names, hashes
export * from './frame/constants.js';
export { serializeCommand, serializeCommandHeader, serializePayloadCommand } from './frame/serialize.js';
export { COALESCE_MAX_FRAME_BYTES, coalesceFrames } from './frame/coalesce.js';
export { FrameDecoder, parseFrame } from './frame/decoder.js';
export type { FrameDecoderOptions } from './frame/decoder.js';
export { parseEntry, parsePayloadSection } from './frame/payload.js';
export { scanEntry } from './hot/entry-scan.js';
export type { EntryScan } from './hot/entry-scan.js';
export type { Frame, PayloadSection } from './frame/types.js';
export { crc32c } from './checksum.js';
export { parseBatch, serializeBatch } from './batch/batch.js';
export type { BatchMessage, ParsedBatchMessage } from './batch/batch.js';
export { MAX_UNCOMPRESSED_SIZE_DEFAULT, compress, decompress } from './compression/compression.js';
export * from './ids/message-id.js';
export { NamespaceName, TopicName } from './topic/topic-name.js';
export type { TopicDomain } from './topic/topic-name.js';
export {
  javaStringHash,
  javaStringHashBytes,
  murmur3_32,
  stickyKeyHashSlot,
  stickyKeyOf,
} from './hash/hash.js';
