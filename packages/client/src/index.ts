/**
 * @magnetar/client: a pure TypeScript client for Pulsar's binary protocol, shaped after the
 * official Node client (`pulsar-client`).
 */
export { Client, type ClientConfig } from './client.js';
export { Producer } from './producer/producer.js';
export type {
  ProducerConfig,
  ProducerMessage,
  CompressionTypeName,
  MessageRoutingMode,
  HashingScheme,
} from './producer/types.js';
export { Consumer } from './consumer/consumer.js';
export { Message } from './consumer/message.js';
export type {
  ConsumerConfig,
  SubscriptionType,
  InitialPositionName,
  ListenerConsumer,
} from './consumer/types.js';
export { Reader, type ReaderConfig } from './reader.js';
export { MessageId } from './message-id.js';
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
  type ClientErrorCode,
} from './errors.js';
