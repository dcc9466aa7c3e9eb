/**
 * TypeScript shapes of the messages in schema/common.ts, property names exactly as the proto field names.
 * Written to match the descriptors field for field (a test checks the names). Required fields are
 * non-optional here because every writer must set them; a decoded message from a peer that omitted
 * one still has it undefined (the decoder tolerates that, as old clients omit some).
 * 64-bit integers are numbers (exact below 2^53); bytes decode to Buffer views of the frame.
 */
export interface Schema {
  name: string;
  schema_data: Uint8Array;
  type: number; // enum SchemaType
  properties?: KeyValue[];
}

export interface MessageIdData {
  ledgerId: number; // uint64
  entryId: number; // uint64
  partition?: number; // int32
  batch_index?: number; // int32
  ack_set?: number[]; // int64
  batch_size?: number; // int32
  first_chunk_message_id?: MessageIdData;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface KeyLongValue {
  key: string;
  value: number; // uint64
}

export interface IntRange {
  start: number; // int32
  end: number; // int32
}

export interface EncryptionKeys {
  key: string;
  value: Uint8Array;
  metadata?: KeyValue[];
}

export interface MessageMetadata {
  producer_name: string;
  sequence_id: number; // uint64
  publish_time: number; // uint64
  properties?: KeyValue[];
  replicated_from?: string;
  partition_key?: string;
  replicate_to?: string[];
  compression?: number; // enum CompressionType
  uncompressed_size?: number; // uint32
  num_messages_in_batch?: number; // int32
  event_time?: number; // uint64
  encryption_keys?: EncryptionKeys[];
  encryption_algo?: string;
  encryption_param?: Uint8Array;
  schema_version?: Uint8Array;
  partition_key_b64_encoded?: boolean;
  ordering_key?: Uint8Array;
  deliver_at_time?: number; // int64
  marker_type?: number; // int32
  txnid_least_bits?: number; // uint64
  txnid_most_bits?: number; // uint64
  highest_sequence_id?: number; // uint64
  null_value?: boolean;
  uuid?: string;
  num_chunks_from_msg?: number; // int32
  total_chunk_msg_size?: number; // int32
  chunk_id?: number; // int32
  null_partition_key?: boolean;
  compacted_batch_indexes?: number[]; // int32
  schema_id?: Uint8Array;
}

export interface SingleMessageMetadata {
  properties?: KeyValue[];
  partition_key?: string;
  payload_size: number; // int32
  compacted_out?: boolean;
  event_time?: number; // uint64
  partition_key_b64_encoded?: boolean;
  ordering_key?: Uint8Array;
  sequence_id?: number; // uint64
  null_value?: boolean;
  null_partition_key?: boolean;
}

export interface BrokerEntryMetadata {
  broker_timestamp?: number; // uint64
  index?: number; // uint64
}

export interface FeatureFlags {
  supports_auth_refresh?: boolean;
  supports_broker_entry_metadata?: boolean;
  supports_partial_producer?: boolean;
  supports_topic_watchers?: boolean;
  supports_get_partitioned_metadata_without_auto_creation?: boolean;
  supports_repl_dedup_by_lid_and_eid?: boolean;
  supports_topic_watcher_reconcile?: boolean;
  supports_scalable_topics?: boolean;
  supports_tc_metadata_discovery?: boolean;
}

export interface KeySharedMeta {
  keySharedMode: number; // enum KeySharedMode
  hashRanges?: IntRange[];
  allowOutOfOrderDelivery?: boolean;
}

export interface AuthData {
  auth_method_name?: string;
  auth_data?: Uint8Array;
}

export interface Subscription {
  topic: string;
  subscription: string;
}
