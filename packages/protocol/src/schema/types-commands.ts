/**
 * TypeScript shapes of the messages in schema/commands.ts, property names exactly as the proto field names.
 * Written to match the descriptors field for field. Required fields are
 * non-optional here because every writer must set them; a decoded message from a peer that omitted
 * one still has it undefined (the decoder tolerates that, as old clients omit some).
 * 64-bit integers are numbers (exact below 2^53); bytes decode to Buffer views of the frame.
 */
import type {
  AuthData,
  FeatureFlags,
  KeyLongValue,
  KeySharedMeta,
  KeyValue,
  MessageIdData,
  Schema,
} from './types-common.js';

export interface CommandConnect {
  client_version: string;
  auth_method?: number; // enum AuthMethod
  auth_data?: Uint8Array;
  protocol_version?: number; // int32
  auth_method_name?: string;
  proxy_to_broker_url?: string;
  original_principal?: string;
  original_auth_data?: string;
  original_auth_method?: string;
  feature_flags?: FeatureFlags;
  proxy_version?: string;
}

export interface CommandConnected {
  server_version: string;
  protocol_version?: number; // int32
  max_message_size?: number; // int32
  feature_flags?: FeatureFlags;
}

export interface CommandAuthResponse {
  client_version?: string;
  response?: AuthData;
  protocol_version?: number; // int32
}

export interface CommandAuthChallenge {
  server_version?: string;
  challenge?: AuthData;
  protocol_version?: number; // int32
}

export interface CommandSubscribe {
  topic: string;
  subscription: string;
  subType: number; // enum SubType
  consumer_id: number; // uint64
  request_id: number; // uint64
  consumer_name?: string;
  priority_level?: number; // int32
  durable?: boolean;
  start_message_id?: MessageIdData;
  metadata?: KeyValue[];
  read_compacted?: boolean;
  schema?: Schema;
  initialPosition?: number; // enum InitialPosition
  replicate_subscription_state?: boolean;
  force_topic_creation?: boolean;
  start_message_rollback_duration_sec?: number; // uint64
  keySharedMeta?: KeySharedMeta;
  subscription_properties?: KeyValue[];
  consumer_epoch?: number; // uint64
}

export interface CommandPartitionedTopicMetadata {
  topic: string;
  request_id: number; // uint64
  original_principal?: string;
  original_auth_data?: string;
  original_auth_method?: string;
  metadata_auto_creation_enabled?: boolean;
}

export interface CommandPartitionedTopicMetadataResponse {
  partitions?: number; // uint32
  request_id: number; // uint64
  response?: number; // enum PartitionedMetadataResponseType
  error?: number; // enum ServerError
  message?: string;
}

export interface CommandLookupTopic {
  topic: string;
  request_id: number; // uint64
  authoritative?: boolean;
  original_principal?: string;
  original_auth_data?: string;
  original_auth_method?: string;
  advertised_listener_name?: string;
  properties?: KeyValue[];
}

export interface CommandLookupTopicResponse {
  brokerServiceUrl?: string;
  brokerServiceUrlTls?: string;
  response?: number; // enum LookupType
  request_id: number; // uint64
  authoritative?: boolean;
  error?: number; // enum ServerError
  message?: string;
  proxy_through_service_url?: boolean;
}

export interface CommandProducer {
  topic: string;
  producer_id: number; // uint64
  request_id: number; // uint64
  producer_name?: string;
  encrypted?: boolean;
  metadata?: KeyValue[];
  schema?: Schema;
  epoch?: number; // uint64
  user_provided_producer_name?: boolean;
  producer_access_mode?: number; // enum ProducerAccessMode
  topic_epoch?: number; // uint64
  txn_enabled?: boolean;
  initial_subscription_name?: string;
}

export interface CommandSend {
  producer_id: number; // uint64
  sequence_id: number; // uint64
  num_messages?: number; // int32
  txnid_least_bits?: number; // uint64
  txnid_most_bits?: number; // uint64
  highest_sequence_id?: number; // uint64
  is_chunk?: boolean;
  marker?: boolean;
  message_id?: MessageIdData;
}

export interface CommandSendReceipt {
  producer_id: number; // uint64
  sequence_id: number; // uint64
  message_id?: MessageIdData;
  highest_sequence_id?: number; // uint64
}

export interface CommandSendError {
  producer_id: number; // uint64
  sequence_id: number; // uint64
  error: number; // enum ServerError
  message: string;
}

export interface CommandMessage {
  consumer_id: number; // uint64
  message_id: MessageIdData;
  redelivery_count?: number; // uint32
  ack_set?: number[]; // int64
  consumer_epoch?: number; // uint64
}

export interface CommandAck {
  consumer_id: number; // uint64
  ack_type: number; // enum AckType
  message_id?: MessageIdData[];
  validation_error?: number; // enum ValidationError
  properties?: KeyLongValue[];
  txnid_least_bits?: number; // uint64
  txnid_most_bits?: number; // uint64
  request_id?: number; // uint64
}

export interface CommandAckResponse {
  consumer_id: number; // uint64
  txnid_least_bits?: number; // uint64
  txnid_most_bits?: number; // uint64
  error?: number; // enum ServerError
  message?: string;
  request_id?: number; // uint64
}

export interface CommandActiveConsumerChange {
  consumer_id: number; // uint64
  is_active?: boolean;
}

export interface CommandFlow {
  consumer_id: number; // uint64
  messagePermits: number; // uint32
}

export interface CommandUnsubscribe {
  consumer_id: number; // uint64
  request_id: number; // uint64
  force?: boolean;
}

export interface CommandSeek {
  consumer_id: number; // uint64
  request_id: number; // uint64
  message_id?: MessageIdData;
  message_publish_time?: number; // uint64
}

export interface CommandReachedEndOfTopic {
  consumer_id: number; // uint64
}

export interface CommandTopicMigrated {
  resource_id: number; // uint64
  resource_type: number; // enum ResourceType
  brokerServiceUrl?: string;
  brokerServiceUrlTls?: string;
}

export interface CommandCloseProducer {
  producer_id: number; // uint64
  request_id: number; // uint64
  assignedBrokerServiceUrl?: string;
  assignedBrokerServiceUrlTls?: string;
}

export interface CommandCloseConsumer {
  consumer_id: number; // uint64
  request_id: number; // uint64
  assignedBrokerServiceUrl?: string;
  assignedBrokerServiceUrlTls?: string;
}

export interface CommandRedeliverUnacknowledgedMessages {
  consumer_id: number; // uint64
  message_ids?: MessageIdData[];
  consumer_epoch?: number; // uint64
}

export interface CommandSuccess {
  request_id: number; // uint64
  schema?: Schema;
}

export interface CommandProducerSuccess {
  request_id: number; // uint64
  producer_name: string;
  last_sequence_id?: number; // int64
  schema_version?: Uint8Array;
  topic_epoch?: number; // uint64
  producer_ready?: boolean;
}

export interface CommandError {
  request_id: number; // uint64
  error: number; // enum ServerError
  message: string;
}

export type CommandPing = Record<never, never>;

export type CommandPong = Record<never, never>;

export interface CommandConsumerStats {
  request_id: number; // uint64
  consumer_id: number; // uint64
}

export interface CommandConsumerStatsResponse {
  request_id: number; // uint64
  error_code?: number; // enum ServerError
  error_message?: string;
  msgRateOut?: number; // double
  msgThroughputOut?: number; // double
  msgRateRedeliver?: number; // double
  consumerName?: string;
  availablePermits?: number; // uint64
  unackedMessages?: number; // uint64
  blockedConsumerOnUnackedMsgs?: boolean;
  address?: string;
  connectedSince?: string;
  type?: string;
  msgRateExpired?: number; // double
  msgBacklog?: number; // uint64
  messageAckRate?: number; // double
}

export interface CommandGetLastMessageId {
  consumer_id: number; // uint64
  request_id: number; // uint64
}

export interface CommandGetLastMessageIdResponse {
  last_message_id: MessageIdData;
  request_id: number; // uint64
  consumer_mark_delete_position?: MessageIdData;
}

export interface CommandGetTopicsOfNamespace {
  request_id: number; // uint64
  namespace: string;
  mode?: number; // enum TopicDomainMode
  topics_pattern?: string;
  topics_hash?: string;
  properties?: KeyValue[];
}

export interface CommandGetTopicsOfNamespaceResponse {
  request_id: number; // uint64
  topics?: string[];
  filtered?: boolean;
  topics_hash?: string;
  changed?: boolean;
}

export interface CommandWatchTopicList {
  request_id: number; // uint64
  watcher_id: number; // uint64
  namespace: string;
  topics_pattern: string;
  topics_hash?: string;
}

export interface CommandWatchTopicListSuccess {
  request_id: number; // uint64
  watcher_id: number; // uint64
  topic?: string[];
  topics_hash: string;
}

export interface CommandWatchTopicUpdate {
  watcher_id: number; // uint64
  new_topics?: string[];
  deleted_topics?: string[];
  topics_hash: string;
}

export interface CommandWatchTopicListClose {
  request_id: number; // uint64
  watcher_id: number; // uint64
}

export interface CommandGetSchema {
  request_id: number; // uint64
  topic: string;
  schema_version?: Uint8Array;
}

export interface CommandGetSchemaResponse {
  request_id: number; // uint64
  error_code?: number; // enum ServerError
  error_message?: string;
  schema?: Schema;
  schema_version?: Uint8Array;
}

export interface CommandGetOrCreateSchema {
  request_id: number; // uint64
  topic: string;
  schema: Schema;
  producerName?: string;
}

export interface CommandGetOrCreateSchemaResponse {
  request_id: number; // uint64
  error_code?: number; // enum ServerError
  error_message?: string;
  schema_version?: Uint8Array;
}
