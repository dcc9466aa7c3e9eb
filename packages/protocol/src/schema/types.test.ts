import { describe, expect, it } from 'vitest';
import { MESSAGE_DESCRIPTORS } from './registry.js';
import type { BaseCommand } from './types-base.js';
import type {
  AuthData,
  BrokerEntryMetadata,
  EncryptionKeys,
  FeatureFlags,
  IntRange,
  KeyLongValue,
  KeySharedMeta,
  KeyValue,
  MessageIdData,
  MessageMetadata,
  Schema,
  SingleMessageMetadata,
  Subscription,
} from './types-common.js';
import type {
  CommandAck,
  CommandAckResponse,
  CommandActiveConsumerChange,
  CommandAuthChallenge,
  CommandAuthResponse,
  CommandCloseConsumer,
  CommandCloseProducer,
  CommandConnect,
  CommandConnected,
  CommandConsumerStats,
  CommandConsumerStatsResponse,
  CommandError,
  CommandFlow,
  CommandGetLastMessageId,
  CommandGetLastMessageIdResponse,
  CommandGetOrCreateSchema,
  CommandGetOrCreateSchemaResponse,
  CommandGetSchema,
  CommandGetSchemaResponse,
  CommandGetTopicsOfNamespace,
  CommandGetTopicsOfNamespaceResponse,
  CommandLookupTopic,
  CommandLookupTopicResponse,
  CommandMessage,
  CommandPartitionedTopicMetadata,
  CommandPartitionedTopicMetadataResponse,
  CommandPing,
  CommandPong,
  CommandProducer,
  CommandProducerSuccess,
  CommandReachedEndOfTopic,
  CommandRedeliverUnacknowledgedMessages,
  CommandSeek,
  CommandSend,
  CommandSendError,
  CommandSendReceipt,
  CommandSubscribe,
  CommandSuccess,
  CommandTopicMigrated,
  CommandUnsubscribe,
  CommandWatchTopicList,
  CommandWatchTopicListClose,
  CommandWatchTopicListSuccess,
  CommandWatchTopicUpdate,
} from './types-commands.js';
import type {
  CommandAddPartitionToTxn,
  CommandAddPartitionToTxnResponse,
  CommandAddSubscriptionToTxn,
  CommandAddSubscriptionToTxnResponse,
  CommandEndTxn,
  CommandEndTxnOnPartition,
  CommandEndTxnOnPartitionResponse,
  CommandEndTxnOnSubscription,
  CommandEndTxnOnSubscriptionResponse,
  CommandEndTxnResponse,
  CommandNewTxn,
  CommandNewTxnResponse,
  CommandTcClientConnectRequest,
  CommandTcClientConnectResponse,
} from './types-txn.js';

/**
 * Keeps the hand-written interfaces and the descriptors in step. The type checker (tsc runs over
 * test files too) proves each interface has exactly the keys listed in FIELDS; the runtime test
 * proves FIELDS lists exactly the descriptor's field names. A field added to one side only fails one
 * of the two.
 */

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Keys<T> = Extract<keyof T, string>;
function sameKeys<T extends true>(): T | undefined {
  return undefined;
}

const FIELDS: Record<string, readonly string[]> = {
  Schema: ['name', 'schema_data', 'type', 'properties'],
  MessageIdData: [
    'ledgerId',
    'entryId',
    'partition',
    'batch_index',
    'ack_set',
    'batch_size',
    'first_chunk_message_id',
  ],
  KeyValue: ['key', 'value'],
  KeyLongValue: ['key', 'value'],
  IntRange: ['start', 'end'],
  EncryptionKeys: ['key', 'value', 'metadata'],
  MessageMetadata: [
    'producer_name',
    'sequence_id',
    'publish_time',
    'properties',
    'replicated_from',
    'partition_key',
    'replicate_to',
    'compression',
    'uncompressed_size',
    'num_messages_in_batch',
    'event_time',
    'encryption_keys',
    'encryption_algo',
    'encryption_param',
    'schema_version',
    'partition_key_b64_encoded',
    'ordering_key',
    'deliver_at_time',
    'marker_type',
    'txnid_least_bits',
    'txnid_most_bits',
    'highest_sequence_id',
    'null_value',
    'uuid',
    'num_chunks_from_msg',
    'total_chunk_msg_size',
    'chunk_id',
    'null_partition_key',
    'compacted_batch_indexes',
    'schema_id',
  ],
  SingleMessageMetadata: [
    'properties',
    'partition_key',
    'payload_size',
    'compacted_out',
    'event_time',
    'partition_key_b64_encoded',
    'ordering_key',
    'sequence_id',
    'null_value',
    'null_partition_key',
  ],
  BrokerEntryMetadata: ['broker_timestamp', 'index'],
  FeatureFlags: [
    'supports_auth_refresh',
    'supports_broker_entry_metadata',
    'supports_partial_producer',
    'supports_topic_watchers',
    'supports_get_partitioned_metadata_without_auto_creation',
    'supports_repl_dedup_by_lid_and_eid',
    'supports_topic_watcher_reconcile',
    'supports_scalable_topics',
    'supports_tc_metadata_discovery',
  ],
  KeySharedMeta: ['keySharedMode', 'hashRanges', 'allowOutOfOrderDelivery'],
  AuthData: ['auth_method_name', 'auth_data'],
  Subscription: ['topic', 'subscription'],
  CommandConnect: [
    'client_version',
    'auth_method',
    'auth_data',
    'protocol_version',
    'auth_method_name',
    'proxy_to_broker_url',
    'original_principal',
    'original_auth_data',
    'original_auth_method',
    'feature_flags',
    'proxy_version',
  ],
  CommandConnected: ['server_version', 'protocol_version', 'max_message_size', 'feature_flags'],
  CommandAuthResponse: ['client_version', 'response', 'protocol_version'],
  CommandAuthChallenge: ['server_version', 'challenge', 'protocol_version'],
  CommandSubscribe: [
    'topic',
    'subscription',
    'subType',
    'consumer_id',
    'request_id',
    'consumer_name',
    'priority_level',
    'durable',
    'start_message_id',
    'metadata',
    'read_compacted',
    'schema',
    'initialPosition',
    'replicate_subscription_state',
    'force_topic_creation',
    'start_message_rollback_duration_sec',
    'keySharedMeta',
    'subscription_properties',
    'consumer_epoch',
  ],
  CommandPartitionedTopicMetadata: [
    'topic',
    'request_id',
    'original_principal',
    'original_auth_data',
    'original_auth_method',
    'metadata_auto_creation_enabled',
  ],
  CommandPartitionedTopicMetadataResponse: ['partitions', 'request_id', 'response', 'error', 'message'],
  CommandLookupTopic: [
    'topic',
    'request_id',
    'authoritative',
    'original_principal',
    'original_auth_data',
    'original_auth_method',
    'advertised_listener_name',
    'properties',
  ],
  CommandLookupTopicResponse: [
    'brokerServiceUrl',
    'brokerServiceUrlTls',
    'response',
    'request_id',
    'authoritative',
    'error',
    'message',
    'proxy_through_service_url',
  ],
  CommandProducer: [
    'topic',
    'producer_id',
    'request_id',
    'producer_name',
    'encrypted',
    'metadata',
    'schema',
    'epoch',
    'user_provided_producer_name',
    'producer_access_mode',
    'topic_epoch',
    'txn_enabled',
    'initial_subscription_name',
  ],
  CommandSend: [
    'producer_id',
    'sequence_id',
    'num_messages',
    'txnid_least_bits',
    'txnid_most_bits',
    'highest_sequence_id',
    'is_chunk',
    'marker',
    'message_id',
  ],
  CommandSendReceipt: ['producer_id', 'sequence_id', 'message_id', 'highest_sequence_id'],
  CommandSendError: ['producer_id', 'sequence_id', 'error', 'message'],
  CommandMessage: ['consumer_id', 'message_id', 'redelivery_count', 'ack_set', 'consumer_epoch'],
  CommandAck: [
    'consumer_id',
    'ack_type',
    'message_id',
    'validation_error',
    'properties',
    'txnid_least_bits',
    'txnid_most_bits',
    'request_id',
  ],
  CommandAckResponse: [
    'consumer_id',
    'txnid_least_bits',
    'txnid_most_bits',
    'error',
    'message',
    'request_id',
  ],
  CommandActiveConsumerChange: ['consumer_id', 'is_active'],
  CommandFlow: ['consumer_id', 'messagePermits'],
  CommandUnsubscribe: ['consumer_id', 'request_id', 'force'],
  CommandSeek: ['consumer_id', 'request_id', 'message_id', 'message_publish_time'],
  CommandReachedEndOfTopic: ['consumer_id'],
  CommandTopicMigrated: ['resource_id', 'resource_type', 'brokerServiceUrl', 'brokerServiceUrlTls'],
  CommandCloseProducer: [
    'producer_id',
    'request_id',
    'assignedBrokerServiceUrl',
    'assignedBrokerServiceUrlTls',
  ],
  CommandCloseConsumer: [
    'consumer_id',
    'request_id',
    'assignedBrokerServiceUrl',
    'assignedBrokerServiceUrlTls',
  ],
  CommandRedeliverUnacknowledgedMessages: ['consumer_id', 'message_ids', 'consumer_epoch'],
  CommandSuccess: ['request_id', 'schema'],
  CommandProducerSuccess: [
    'request_id',
    'producer_name',
    'last_sequence_id',
    'schema_version',
    'topic_epoch',
    'producer_ready',
  ],
  CommandError: ['request_id', 'error', 'message'],
  CommandPing: [],
  CommandPong: [],
  CommandConsumerStats: ['request_id', 'consumer_id'],
  CommandConsumerStatsResponse: [
    'request_id',
    'error_code',
    'error_message',
    'msgRateOut',
    'msgThroughputOut',
    'msgRateRedeliver',
    'consumerName',
    'availablePermits',
    'unackedMessages',
    'blockedConsumerOnUnackedMsgs',
    'address',
    'connectedSince',
    'type',
    'msgRateExpired',
    'msgBacklog',
    'messageAckRate',
  ],
  CommandGetLastMessageId: ['consumer_id', 'request_id'],
  CommandGetLastMessageIdResponse: ['last_message_id', 'request_id', 'consumer_mark_delete_position'],
  CommandGetTopicsOfNamespace: [
    'request_id',
    'namespace',
    'mode',
    'topics_pattern',
    'topics_hash',
    'properties',
  ],
  CommandGetTopicsOfNamespaceResponse: ['request_id', 'topics', 'filtered', 'topics_hash', 'changed'],
  CommandWatchTopicList: ['request_id', 'watcher_id', 'namespace', 'topics_pattern', 'topics_hash'],
  CommandWatchTopicListSuccess: ['request_id', 'watcher_id', 'topic', 'topics_hash'],
  CommandWatchTopicUpdate: ['watcher_id', 'new_topics', 'deleted_topics', 'topics_hash'],
  CommandWatchTopicListClose: ['request_id', 'watcher_id'],
  CommandGetSchema: ['request_id', 'topic', 'schema_version'],
  CommandGetSchemaResponse: ['request_id', 'error_code', 'error_message', 'schema', 'schema_version'],
  CommandGetOrCreateSchema: ['request_id', 'topic', 'schema', 'producerName'],
  CommandGetOrCreateSchemaResponse: ['request_id', 'error_code', 'error_message', 'schema_version'],
  CommandTcClientConnectRequest: ['request_id', 'tc_id'],
  CommandTcClientConnectResponse: ['request_id', 'error', 'message'],
  CommandNewTxn: ['request_id', 'txn_ttl_seconds', 'tc_id'],
  CommandNewTxnResponse: ['request_id', 'txnid_least_bits', 'txnid_most_bits', 'error', 'message'],
  CommandAddPartitionToTxn: ['request_id', 'txnid_least_bits', 'txnid_most_bits', 'partitions'],
  CommandAddPartitionToTxnResponse: ['request_id', 'txnid_least_bits', 'txnid_most_bits', 'error', 'message'],
  CommandAddSubscriptionToTxn: ['request_id', 'txnid_least_bits', 'txnid_most_bits', 'subscription'],
  CommandAddSubscriptionToTxnResponse: [
    'request_id',
    'txnid_least_bits',
    'txnid_most_bits',
    'error',
    'message',
  ],
  CommandEndTxn: ['request_id', 'txnid_least_bits', 'txnid_most_bits', 'txn_action'],
  CommandEndTxnResponse: ['request_id', 'txnid_least_bits', 'txnid_most_bits', 'error', 'message'],
  CommandEndTxnOnPartition: [
    'request_id',
    'txnid_least_bits',
    'txnid_most_bits',
    'topic',
    'txn_action',
    'txnid_least_bits_of_low_watermark',
  ],
  CommandEndTxnOnPartitionResponse: ['request_id', 'txnid_least_bits', 'txnid_most_bits', 'error', 'message'],
  CommandEndTxnOnSubscription: [
    'request_id',
    'txnid_least_bits',
    'txnid_most_bits',
    'subscription',
    'txn_action',
    'txnid_least_bits_of_low_watermark',
  ],
  CommandEndTxnOnSubscriptionResponse: [
    'request_id',
    'txnid_least_bits',
    'txnid_most_bits',
    'error',
    'message',
  ],
  BaseCommand: [
    'type',
    'connect',
    'connected',
    'subscribe',
    'producer',
    'send',
    'send_receipt',
    'send_error',
    'message',
    'ack',
    'flow',
    'unsubscribe',
    'success',
    'error',
    'close_producer',
    'close_consumer',
    'producer_success',
    'ping',
    'pong',
    'redeliverUnacknowledgedMessages',
    'partitionMetadata',
    'partitionMetadataResponse',
    'lookupTopic',
    'lookupTopicResponse',
    'consumerStats',
    'consumerStatsResponse',
    'reachedEndOfTopic',
    'seek',
    'getLastMessageId',
    'getLastMessageIdResponse',
    'active_consumer_change',
    'getTopicsOfNamespace',
    'getTopicsOfNamespaceResponse',
    'getSchema',
    'getSchemaResponse',
    'authChallenge',
    'authResponse',
    'ackResponse',
    'getOrCreateSchema',
    'getOrCreateSchemaResponse',
    'newTxn',
    'newTxnResponse',
    'addPartitionToTxn',
    'addPartitionToTxnResponse',
    'addSubscriptionToTxn',
    'addSubscriptionToTxnResponse',
    'endTxn',
    'endTxnResponse',
    'endTxnOnPartition',
    'endTxnOnPartitionResponse',
    'endTxnOnSubscription',
    'endTxnOnSubscriptionResponse',
    'tcClientConnectRequest',
    'tcClientConnectResponse',
    'watchTopicList',
    'watchTopicListSuccess',
    'watchTopicUpdate',
    'watchTopicListClose',
    'topicMigrated',
  ],
};

sameKeys<Same<Keys<Schema>, 'name' | 'schema_data' | 'type' | 'properties'>>();
sameKeys<
  Same<
    Keys<MessageIdData>,
    'ledgerId' | 'entryId' | 'partition' | 'batch_index' | 'ack_set' | 'batch_size' | 'first_chunk_message_id'
  >
>();
sameKeys<Same<Keys<KeyValue>, 'key' | 'value'>>();
sameKeys<Same<Keys<KeyLongValue>, 'key' | 'value'>>();
sameKeys<Same<Keys<IntRange>, 'start' | 'end'>>();
sameKeys<Same<Keys<EncryptionKeys>, 'key' | 'value' | 'metadata'>>();
sameKeys<
  Same<
    Keys<MessageMetadata>,
    | 'producer_name'
    | 'sequence_id'
    | 'publish_time'
    | 'properties'
    | 'replicated_from'
    | 'partition_key'
    | 'replicate_to'
    | 'compression'
    | 'uncompressed_size'
    | 'num_messages_in_batch'
    | 'event_time'
    | 'encryption_keys'
    | 'encryption_algo'
    | 'encryption_param'
    | 'schema_version'
    | 'partition_key_b64_encoded'
    | 'ordering_key'
    | 'deliver_at_time'
    | 'marker_type'
    | 'txnid_least_bits'
    | 'txnid_most_bits'
    | 'highest_sequence_id'
    | 'null_value'
    | 'uuid'
    | 'num_chunks_from_msg'
    | 'total_chunk_msg_size'
    | 'chunk_id'
    | 'null_partition_key'
    | 'compacted_batch_indexes'
    | 'schema_id'
  >
>();
sameKeys<
  Same<
    Keys<SingleMessageMetadata>,
    | 'properties'
    | 'partition_key'
    | 'payload_size'
    | 'compacted_out'
    | 'event_time'
    | 'partition_key_b64_encoded'
    | 'ordering_key'
    | 'sequence_id'
    | 'null_value'
    | 'null_partition_key'
  >
>();
sameKeys<Same<Keys<BrokerEntryMetadata>, 'broker_timestamp' | 'index'>>();
sameKeys<
  Same<
    Keys<FeatureFlags>,
    | 'supports_auth_refresh'
    | 'supports_broker_entry_metadata'
    | 'supports_partial_producer'
    | 'supports_topic_watchers'
    | 'supports_get_partitioned_metadata_without_auto_creation'
    | 'supports_repl_dedup_by_lid_and_eid'
    | 'supports_topic_watcher_reconcile'
    | 'supports_scalable_topics'
    | 'supports_tc_metadata_discovery'
  >
>();
sameKeys<Same<Keys<KeySharedMeta>, 'keySharedMode' | 'hashRanges' | 'allowOutOfOrderDelivery'>>();
sameKeys<Same<Keys<AuthData>, 'auth_method_name' | 'auth_data'>>();
sameKeys<Same<Keys<Subscription>, 'topic' | 'subscription'>>();
sameKeys<
  Same<
    Keys<CommandConnect>,
    | 'client_version'
    | 'auth_method'
    | 'auth_data'
    | 'protocol_version'
    | 'auth_method_name'
    | 'proxy_to_broker_url'
    | 'original_principal'
    | 'original_auth_data'
    | 'original_auth_method'
    | 'feature_flags'
    | 'proxy_version'
  >
>();
sameKeys<
  Same<Keys<CommandConnected>, 'server_version' | 'protocol_version' | 'max_message_size' | 'feature_flags'>
>();
sameKeys<Same<Keys<CommandAuthResponse>, 'client_version' | 'response' | 'protocol_version'>>();
sameKeys<Same<Keys<CommandAuthChallenge>, 'server_version' | 'challenge' | 'protocol_version'>>();
sameKeys<
  Same<
    Keys<CommandSubscribe>,
    | 'topic'
    | 'subscription'
    | 'subType'
    | 'consumer_id'
    | 'request_id'
    | 'consumer_name'
    | 'priority_level'
    | 'durable'
    | 'start_message_id'
    | 'metadata'
    | 'read_compacted'
    | 'schema'
    | 'initialPosition'
    | 'replicate_subscription_state'
    | 'force_topic_creation'
    | 'start_message_rollback_duration_sec'
    | 'keySharedMeta'
    | 'subscription_properties'
    | 'consumer_epoch'
  >
>();
sameKeys<
  Same<
    Keys<CommandPartitionedTopicMetadata>,
    | 'topic'
    | 'request_id'
    | 'original_principal'
    | 'original_auth_data'
    | 'original_auth_method'
    | 'metadata_auto_creation_enabled'
  >
>();
sameKeys<
  Same<
    Keys<CommandPartitionedTopicMetadataResponse>,
    'partitions' | 'request_id' | 'response' | 'error' | 'message'
  >
>();
sameKeys<
  Same<
    Keys<CommandLookupTopic>,
    | 'topic'
    | 'request_id'
    | 'authoritative'
    | 'original_principal'
    | 'original_auth_data'
    | 'original_auth_method'
    | 'advertised_listener_name'
    | 'properties'
  >
>();
sameKeys<
  Same<
    Keys<CommandLookupTopicResponse>,
    | 'brokerServiceUrl'
    | 'brokerServiceUrlTls'
    | 'response'
    | 'request_id'
    | 'authoritative'
    | 'error'
    | 'message'
    | 'proxy_through_service_url'
  >
>();
sameKeys<
  Same<
    Keys<CommandProducer>,
    | 'topic'
    | 'producer_id'
    | 'request_id'
    | 'producer_name'
    | 'encrypted'
    | 'metadata'
    | 'schema'
    | 'epoch'
    | 'user_provided_producer_name'
    | 'producer_access_mode'
    | 'topic_epoch'
    | 'txn_enabled'
    | 'initial_subscription_name'
  >
>();
sameKeys<
  Same<
    Keys<CommandSend>,
    | 'producer_id'
    | 'sequence_id'
    | 'num_messages'
    | 'txnid_least_bits'
    | 'txnid_most_bits'
    | 'highest_sequence_id'
    | 'is_chunk'
    | 'marker'
    | 'message_id'
  >
>();
sameKeys<
  Same<Keys<CommandSendReceipt>, 'producer_id' | 'sequence_id' | 'message_id' | 'highest_sequence_id'>
>();
sameKeys<Same<Keys<CommandSendError>, 'producer_id' | 'sequence_id' | 'error' | 'message'>>();
sameKeys<
  Same<Keys<CommandMessage>, 'consumer_id' | 'message_id' | 'redelivery_count' | 'ack_set' | 'consumer_epoch'>
>();
sameKeys<
  Same<
    Keys<CommandAck>,
    | 'consumer_id'
    | 'ack_type'
    | 'message_id'
    | 'validation_error'
    | 'properties'
    | 'txnid_least_bits'
    | 'txnid_most_bits'
    | 'request_id'
  >
>();
sameKeys<
  Same<
    Keys<CommandAckResponse>,
    'consumer_id' | 'txnid_least_bits' | 'txnid_most_bits' | 'error' | 'message' | 'request_id'
  >
>();
sameKeys<Same<Keys<CommandActiveConsumerChange>, 'consumer_id' | 'is_active'>>();
sameKeys<Same<Keys<CommandFlow>, 'consumer_id' | 'messagePermits'>>();
sameKeys<Same<Keys<CommandUnsubscribe>, 'consumer_id' | 'request_id' | 'force'>>();
sameKeys<Same<Keys<CommandSeek>, 'consumer_id' | 'request_id' | 'message_id' | 'message_publish_time'>>();
sameKeys<Same<Keys<CommandReachedEndOfTopic>, 'consumer_id'>>();
sameKeys<
  Same<
    Keys<CommandTopicMigrated>,
    'resource_id' | 'resource_type' | 'brokerServiceUrl' | 'brokerServiceUrlTls'
  >
>();
sameKeys<
  Same<
    Keys<CommandCloseProducer>,
    'producer_id' | 'request_id' | 'assignedBrokerServiceUrl' | 'assignedBrokerServiceUrlTls'
  >
>();
sameKeys<
  Same<
    Keys<CommandCloseConsumer>,
    'consumer_id' | 'request_id' | 'assignedBrokerServiceUrl' | 'assignedBrokerServiceUrlTls'
  >
>();
sameKeys<
  Same<Keys<CommandRedeliverUnacknowledgedMessages>, 'consumer_id' | 'message_ids' | 'consumer_epoch'>
>();
sameKeys<Same<Keys<CommandSuccess>, 'request_id' | 'schema'>>();
sameKeys<
  Same<
    Keys<CommandProducerSuccess>,
    'request_id' | 'producer_name' | 'last_sequence_id' | 'schema_version' | 'topic_epoch' | 'producer_ready'
  >
>();
sameKeys<Same<Keys<CommandError>, 'request_id' | 'error' | 'message'>>();
sameKeys<Same<Keys<CommandPing>, never>>();
sameKeys<Same<Keys<CommandPong>, never>>();
sameKeys<Same<Keys<CommandConsumerStats>, 'request_id' | 'consumer_id'>>();
sameKeys<
  Same<
    Keys<CommandConsumerStatsResponse>,
    | 'request_id'
    | 'error_code'
    | 'error_message'
    | 'msgRateOut'
    | 'msgThroughputOut'
    | 'msgRateRedeliver'
    | 'consumerName'
    | 'availablePermits'
    | 'unackedMessages'
    | 'blockedConsumerOnUnackedMsgs'
    | 'address'
    | 'connectedSince'
    | 'type'
    | 'msgRateExpired'
    | 'msgBacklog'
    | 'messageAckRate'
  >
>();
sameKeys<Same<Keys<CommandGetLastMessageId>, 'consumer_id' | 'request_id'>>();
sameKeys<
  Same<
    Keys<CommandGetLastMessageIdResponse>,
    'last_message_id' | 'request_id' | 'consumer_mark_delete_position'
  >
>();
sameKeys<
  Same<
    Keys<CommandGetTopicsOfNamespace>,
    'request_id' | 'namespace' | 'mode' | 'topics_pattern' | 'topics_hash' | 'properties'
  >
>();
sameKeys<
  Same<
    Keys<CommandGetTopicsOfNamespaceResponse>,
    'request_id' | 'topics' | 'filtered' | 'topics_hash' | 'changed'
  >
>();
sameKeys<
  Same<
    Keys<CommandWatchTopicList>,
    'request_id' | 'watcher_id' | 'namespace' | 'topics_pattern' | 'topics_hash'
  >
>();
sameKeys<Same<Keys<CommandWatchTopicListSuccess>, 'request_id' | 'watcher_id' | 'topic' | 'topics_hash'>>();
sameKeys<
  Same<Keys<CommandWatchTopicUpdate>, 'watcher_id' | 'new_topics' | 'deleted_topics' | 'topics_hash'>
>();
sameKeys<Same<Keys<CommandWatchTopicListClose>, 'request_id' | 'watcher_id'>>();
sameKeys<Same<Keys<CommandGetSchema>, 'request_id' | 'topic' | 'schema_version'>>();
sameKeys<
  Same<
    Keys<CommandGetSchemaResponse>,
    'request_id' | 'error_code' | 'error_message' | 'schema' | 'schema_version'
  >
>();
sameKeys<Same<Keys<CommandGetOrCreateSchema>, 'request_id' | 'topic' | 'schema' | 'producerName'>>();
sameKeys<
  Same<
    Keys<CommandGetOrCreateSchemaResponse>,
    'request_id' | 'error_code' | 'error_message' | 'schema_version'
  >
>();
sameKeys<Same<Keys<CommandTcClientConnectRequest>, 'request_id' | 'tc_id'>>();
sameKeys<Same<Keys<CommandTcClientConnectResponse>, 'request_id' | 'error' | 'message'>>();
sameKeys<Same<Keys<CommandNewTxn>, 'request_id' | 'txn_ttl_seconds' | 'tc_id'>>();
sameKeys<
  Same<
    Keys<CommandNewTxnResponse>,
    'request_id' | 'txnid_least_bits' | 'txnid_most_bits' | 'error' | 'message'
  >
>();
sameKeys<
  Same<Keys<CommandAddPartitionToTxn>, 'request_id' | 'txnid_least_bits' | 'txnid_most_bits' | 'partitions'>
>();
sameKeys<
  Same<
    Keys<CommandAddPartitionToTxnResponse>,
    'request_id' | 'txnid_least_bits' | 'txnid_most_bits' | 'error' | 'message'
  >
>();
sameKeys<
  Same<
    Keys<CommandAddSubscriptionToTxn>,
    'request_id' | 'txnid_least_bits' | 'txnid_most_bits' | 'subscription'
  >
>();
sameKeys<
  Same<
    Keys<CommandAddSubscriptionToTxnResponse>,
    'request_id' | 'txnid_least_bits' | 'txnid_most_bits' | 'error' | 'message'
  >
>();
sameKeys<Same<Keys<CommandEndTxn>, 'request_id' | 'txnid_least_bits' | 'txnid_most_bits' | 'txn_action'>>();
sameKeys<
  Same<
    Keys<CommandEndTxnResponse>,
    'request_id' | 'txnid_least_bits' | 'txnid_most_bits' | 'error' | 'message'
  >
>();
sameKeys<
  Same<
    Keys<CommandEndTxnOnPartition>,
    | 'request_id'
    | 'txnid_least_bits'
    | 'txnid_most_bits'
    | 'topic'
    | 'txn_action'
    | 'txnid_least_bits_of_low_watermark'
  >
>();
sameKeys<
  Same<
    Keys<CommandEndTxnOnPartitionResponse>,
    'request_id' | 'txnid_least_bits' | 'txnid_most_bits' | 'error' | 'message'
  >
>();
sameKeys<
  Same<
    Keys<CommandEndTxnOnSubscription>,
    | 'request_id'
    | 'txnid_least_bits'
    | 'txnid_most_bits'
    | 'subscription'
    | 'txn_action'
    | 'txnid_least_bits_of_low_watermark'
  >
>();
sameKeys<
  Same<
    Keys<CommandEndTxnOnSubscriptionResponse>,
    'request_id' | 'txnid_least_bits' | 'txnid_most_bits' | 'error' | 'message'
  >
>();
sameKeys<
  Same<
    Keys<BaseCommand>,
    | 'type'
    | 'connect'
    | 'connected'
    | 'subscribe'
    | 'producer'
    | 'send'
    | 'send_receipt'
    | 'send_error'
    | 'message'
    | 'ack'
    | 'flow'
    | 'unsubscribe'
    | 'success'
    | 'error'
    | 'close_producer'
    | 'close_consumer'
    | 'producer_success'
    | 'ping'
    | 'pong'
    | 'redeliverUnacknowledgedMessages'
    | 'partitionMetadata'
    | 'partitionMetadataResponse'
    | 'lookupTopic'
    | 'lookupTopicResponse'
    | 'consumerStats'
    | 'consumerStatsResponse'
    | 'reachedEndOfTopic'
    | 'seek'
    | 'getLastMessageId'
    | 'getLastMessageIdResponse'
    | 'active_consumer_change'
    | 'getTopicsOfNamespace'
    | 'getTopicsOfNamespaceResponse'
    | 'getSchema'
    | 'getSchemaResponse'
    | 'authChallenge'
    | 'authResponse'
    | 'ackResponse'
    | 'getOrCreateSchema'
    | 'getOrCreateSchemaResponse'
    | 'newTxn'
    | 'newTxnResponse'
    | 'addPartitionToTxn'
    | 'addPartitionToTxnResponse'
    | 'addSubscriptionToTxn'
    | 'addSubscriptionToTxnResponse'
    | 'endTxn'
    | 'endTxnResponse'
    | 'endTxnOnPartition'
    | 'endTxnOnPartitionResponse'
    | 'endTxnOnSubscription'
    | 'endTxnOnSubscriptionResponse'
    | 'tcClientConnectRequest'
    | 'tcClientConnectResponse'
    | 'watchTopicList'
    | 'watchTopicListSuccess'
    | 'watchTopicUpdate'
    | 'watchTopicListClose'
    | 'topicMigrated'
  >
>();

describe('schema types', () => {
  it.each([...MESSAGE_DESCRIPTORS.values()])(
    '$name: the interface keys are the descriptor field names',
    (desc) => {
      expect(FIELDS[desc.name]).toEqual(desc.fields.map((f) => f.name));
    },
  );

  it('covers every message of the schema', () => {
    expect(Object.keys(FIELDS).sort()).toEqual([...MESSAGE_DESCRIPTORS.keys()].sort());
  });
});
