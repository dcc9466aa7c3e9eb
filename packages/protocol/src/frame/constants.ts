/** Broker default `maxMessageSize` (5 MiB), advertised in CommandConnected.max_message_size. */
export const MAX_MESSAGE_SIZE_DEFAULT = 5 * 1024 * 1024;

/** Broker default `nettyMaxFrameSizeBytes`: the largest message plus 10 KiB for headers. */
export const MAX_FRAME_SIZE_DEFAULT = 5253120;

/** The newest protocol version this implementation speaks (TOPIC_MIGRATED, v20). */
export const PROTOCOL_VERSION = 20;

/** Magic that announces a CRC32C over metadataSize + metadata + payload (protocol v6+). */
export const MAGIC_CRC32C = 0x0e01;

/** Magic that announces a BrokerEntryMetadata section, broker to consumer only (v16+). */
export const MAGIC_BROKER_ENTRY_METADATA = 0x0e02;
