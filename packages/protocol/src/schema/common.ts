import { opt, rep, req } from '../wire/descriptor.js';
import type { FieldSpec } from '../wire/descriptor.js';

/**
 * Shared messages and the message-level metadata of PulsarApi.proto (field numbers from
 * apache/pulsar-client-cpp proto/PulsarApi.proto). MessageMetadata fields 31-32 come from the facts
 * file (see the note at field 31); 33-34 (entry_hash_min/max, scalable topics only) are left out:
 * the decoder skips them, and the broker stores entries byte for byte anyway.
 */
export const commonSpecs: Record<string, readonly FieldSpec[]> = {
  Schema: [
    req(1, 'name', 'string'),
    req(3, 'schema_data', 'bytes'),
    req(4, 'type', 'enum', 'SchemaType'),
    rep(5, 'properties', 'message', 'KeyValue'),
  ],
  MessageIdData: [
    req(1, 'ledgerId', 'uint64'),
    req(2, 'entryId', 'uint64'),
    opt(3, 'partition', 'int32'),
    opt(4, 'batch_index', 'int32'),
    rep(5, 'ack_set', 'int64'),
    opt(6, 'batch_size', 'int32'),
    opt(7, 'first_chunk_message_id', 'message', 'MessageIdData'),
  ],
  KeyValue: [req(1, 'key', 'string'), req(2, 'value', 'string')],
  KeyLongValue: [req(1, 'key', 'string'), req(2, 'value', 'uint64')],
  IntRange: [req(1, 'start', 'int32'), req(2, 'end', 'int32')],
  EncryptionKeys: [
    req(1, 'key', 'string'),
    req(2, 'value', 'bytes'),
    rep(3, 'metadata', 'message', 'KeyValue'),
  ],
  MessageMetadata: [
    req(1, 'producer_name', 'string'),
    req(2, 'sequence_id', 'uint64'),
    req(3, 'publish_time', 'uint64'),
    rep(4, 'properties', 'message', 'KeyValue'),
    opt(5, 'replicated_from', 'string'),
    opt(6, 'partition_key', 'string'),
    rep(7, 'replicate_to', 'string'),
    opt(8, 'compression', 'enum', 'CompressionType'),
    opt(9, 'uncompressed_size', 'uint32'),
    opt(11, 'num_messages_in_batch', 'int32'),
    opt(12, 'event_time', 'uint64'),
    rep(13, 'encryption_keys', 'message', 'EncryptionKeys'),
    opt(14, 'encryption_algo', 'string'),
    opt(15, 'encryption_param', 'bytes'),
    opt(16, 'schema_version', 'bytes'),
    opt(17, 'partition_key_b64_encoded', 'bool'),
    opt(18, 'ordering_key', 'bytes'),
    opt(19, 'deliver_at_time', 'int64'),
    opt(20, 'marker_type', 'int32'),
    opt(22, 'txnid_least_bits', 'uint64'),
    opt(23, 'txnid_most_bits', 'uint64'),
    opt(24, 'highest_sequence_id', 'uint64'),
    opt(25, 'null_value', 'bool'),
    opt(26, 'uuid', 'string'),
    opt(27, 'num_chunks_from_msg', 'int32'),
    opt(28, 'total_chunk_msg_size', 'int32'),
    opt(29, 'chunk_id', 'int32'),
    opt(30, 'null_partition_key', 'bool'),
    // 31 and 32 are newer than the C++ copy (facts §1.6 lists them without kinds); these kinds are
    // our reading of upstream. Stored entries keep the producer's bytes, so a wrong kind here could
    // only make such metadata fail to decode, never alter it.
    rep(31, 'compacted_batch_indexes', 'int32'),
    opt(32, 'schema_id', 'bytes'),
  ],
  SingleMessageMetadata: [
    rep(1, 'properties', 'message', 'KeyValue'),
    opt(2, 'partition_key', 'string'),
    req(3, 'payload_size', 'int32'),
    opt(4, 'compacted_out', 'bool'),
    opt(5, 'event_time', 'uint64'),
    opt(6, 'partition_key_b64_encoded', 'bool'),
    opt(7, 'ordering_key', 'bytes'),
    opt(8, 'sequence_id', 'uint64'),
    opt(9, 'null_value', 'bool'),
    opt(10, 'null_partition_key', 'bool'),
  ],
  BrokerEntryMetadata: [opt(1, 'broker_timestamp', 'uint64'), opt(2, 'index', 'uint64')],
  FeatureFlags: [
    opt(1, 'supports_auth_refresh', 'bool'),
    opt(2, 'supports_broker_entry_metadata', 'bool'),
    opt(3, 'supports_partial_producer', 'bool'),
    opt(4, 'supports_topic_watchers', 'bool'),
    opt(5, 'supports_get_partitioned_metadata_without_auto_creation', 'bool'),
    opt(6, 'supports_repl_dedup_by_lid_and_eid', 'bool'),
    opt(7, 'supports_topic_watcher_reconcile', 'bool'),
    opt(8, 'supports_scalable_topics', 'bool'),
    opt(9, 'supports_tc_metadata_discovery', 'bool'),
  ],
  KeySharedMeta: [
    req(1, 'keySharedMode', 'enum', 'KeySharedMode'),
    rep(3, 'hashRanges', 'message', 'IntRange'),
    opt(4, 'allowOutOfOrderDelivery', 'bool'),
  ],
  AuthData: [opt(1, 'auth_method_name', 'string'), opt(2, 'auth_data', 'bytes')],
  Subscription: [req(1, 'topic', 'string'), req(2, 'subscription', 'string')],
};
