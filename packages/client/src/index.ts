/**
 * @magnetar/client: a pure TypeScript client for Pulsar's binary protocol, shaped after the
 * official Node client (`pulsar-client`).
 */
export { Client, type ClientConfig } from './client.js';
export type { ClientTlsConfig } from './connection/tls-options.js';
export {
  AuthenticationToken,
  AuthenticationBasic,
  AuthenticationTls,
  type Authentication,
  type AuthenticationTokenParams,
  type TokenSource,
} from './auth/authentication.js';
export { Producer } from './producer/producer.js';
export type {
  ProducerConfig,
  ProducerMessage,
  TypedProducerMessage,
  CompressionTypeName,
  MessageRoutingMode,
  HashingScheme,
  BatchingType,
} from './producer/types.js';
export { Consumer } from './consumer/consumer.js';
export { Message } from './consumer/message.js';
export type {
  ConsumerConfig,
  SubscriptionType,
  InitialPositionName,
  ListenerConsumer,
  DeadLetterPolicy,
} from './consumer/types.js';
export type { RedeliveryBackoffConfig } from './consumer/redelivery-backoff.js';
export type { ProcessByKeyOptions, KeyedProcessing } from './consumer/process-by-key.js';
export { RETRY_PROPERTIES } from './dead-letter/policy.js';
export { Reader, type ReaderConfig } from './reader.js';
export { TableView, type TableViewConfig, type TableViewListener } from './table-view.js';
export { Schema, type SchemaInfo, type AvroDefinition } from './schema/schema.js';
export { IncompatibleSchemaError } from './schema/errors.js';
export { MessageId, ChunkMessageId } from './message-id.js';
export {
  ManualClock,
  systemTime,
  type TimeSource,
  type Clock,
  type Scheduler,
  type Cancel,
} from './util/clock.js';
export type { Logger, LogLevel } from './logger.js';
export {
  PulsarClientError,
  ServerErrorException,
  TimeoutError,
  ConnectionClosedError,
  ProducerQueueIsFullError,
  AlreadyClosedError,
  InvalidConfigurationError,
  MessageTooBigError,
  AuthenticationError,
  AuthorizationError,
  TlsError,
  type ClientErrorCode,
} from './errors.js';
