import { CommandType } from '@magnetar/protocol';
import { handleAck } from './ack.js';
import { handleAuthResponse } from './auth-response.js';
import { handleCloseConsumer, handleUnsubscribe } from './close-consumer.js';
import { handleConnect } from './connect.js';
import { handleFlow } from './flow.js';
import { handleGetLastMessageId } from './last-message-id.js';
import { handleLookup } from './lookup.js';
import { handlePartitionedMetadata } from './partitioned-metadata.js';
import { handlePing, handlePong } from './ping.js';
import { handleCloseProducer, handleProducer } from './producer.js';
import { handleRedeliver } from './redeliver.js';
import { handleGetOrCreateSchema, handleGetSchema } from './schema.js';
import { handleSeek } from './seek.js';
import { handleSend } from './send.js';
import { handleSubscribe } from './subscribe.js';
import { handleGetTopicsOfNamespace } from './topics-of-namespace.js';
import type { Handler } from './types.js';

/** The dispatch table: one handler per command type (STYLE.md). Types absent here get NotAllowedError. */
export const handlers: Partial<Record<number, Handler>> = {
  [CommandType.CONNECT]: handleConnect,
  [CommandType.AUTH_RESPONSE]: handleAuthResponse,
  [CommandType.PING]: handlePing,
  [CommandType.PONG]: handlePong,
  [CommandType.LOOKUP]: handleLookup,
  [CommandType.PARTITIONED_METADATA]: handlePartitionedMetadata,
  [CommandType.GET_TOPICS_OF_NAMESPACE]: handleGetTopicsOfNamespace,
  [CommandType.PRODUCER]: handleProducer,
  [CommandType.CLOSE_PRODUCER]: handleCloseProducer,
  [CommandType.SEND]: handleSend,
  [CommandType.SUBSCRIBE]: handleSubscribe,
  [CommandType.FLOW]: handleFlow,
  [CommandType.ACK]: handleAck,
  [CommandType.REDELIVER_UNACKNOWLEDGED_MESSAGES]: handleRedeliver,
  [CommandType.CLOSE_CONSUMER]: handleCloseConsumer,
  [CommandType.UNSUBSCRIBE]: handleUnsubscribe,
  [CommandType.SEEK]: handleSeek,
  [CommandType.GET_LAST_MESSAGE_ID]: handleGetLastMessageId,
  [CommandType.GET_SCHEMA]: handleGetSchema,
  [CommandType.GET_OR_CREATE_SCHEMA]: handleGetOrCreateSchema,
};
