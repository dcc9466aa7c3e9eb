import type { ClientConnection } from './connection.js';
import { CommandType, type Command, type DecodedFrame } from './wire.js';

type Sub = Record<string, unknown>;

/** Commands that answer a request: the sub-command field that carries their request_id. */
const RESPONSE_FIELDS: Record<number, string> = {
  [CommandType.SUCCESS]: 'success',
  [CommandType.PRODUCER_SUCCESS]: 'producer_success',
  [CommandType.LOOKUP_RESPONSE]: 'lookupTopicResponse',
  [CommandType.PARTITIONED_METADATA_RESPONSE]: 'partitionMetadataResponse',
  [CommandType.GET_LAST_MESSAGE_ID_RESPONSE]: 'getLastMessageIdResponse',
  [CommandType.ACK_RESPONSE]: 'ackResponse',
  [CommandType.GET_TOPICS_OF_NAMESPACE_RESPONSE]: 'getTopicsOfNamespaceResponse',
  [CommandType.GET_SCHEMA_RESPONSE]: 'getSchemaResponse',
};

/**
 * Routes one decoded broker frame: responses to the request they answer, producer and consumer
 * commands to their handler by id, keep-alive and handshake to the connection itself.
 */
export function dispatchFrame(conn: ClientConnection, frame: DecodedFrame): void {
  const cmd = frame.command;
  const responseField = RESPONSE_FIELDS[cmd.type];
  if (responseField !== undefined) {
    const sub = (cmd[responseField] ?? {}) as Sub;
    conn.completeRequest(Number(sub.request_id), cmd);
    return;
  }
  switch (cmd.type) {
    case CommandType.CONNECTED:
      conn.onConnected(sub(cmd, 'connected'));
      return;
    case CommandType.ERROR:
      conn.onError(sub(cmd, 'error'));
      return;
    case CommandType.PING:
      conn.send({ type: CommandType.PONG, pong: {} });
      return;
    case CommandType.PONG:
      return;
    case CommandType.AUTH_CHALLENGE:
      conn.onAuthChallenge();
      return;
    case CommandType.SEND_RECEIPT: {
      const s = sub(cmd, 'send_receipt');
      conn.producers.get(Number(s.producer_id))?.onSendReceipt(s);
      return;
    }
    case CommandType.SEND_ERROR: {
      const s = sub(cmd, 'send_error');
      conn.producers.get(Number(s.producer_id))?.onSendError(s);
      return;
    }
    case CommandType.CLOSE_PRODUCER:
      onCloseProducer(conn, sub(cmd, 'close_producer'));
      return;
    case CommandType.MESSAGE: {
      const s = sub(cmd, 'message');
      conn.consumers.get(Number(s.consumer_id))?.onMessage(s, frame);
      return;
    }
    case CommandType.CLOSE_CONSUMER:
      onCloseConsumer(conn, sub(cmd, 'close_consumer'));
      return;
    case CommandType.REACHED_END_OF_TOPIC: {
      const s = sub(cmd, 'reachedEndOfTopic');
      conn.consumers.get(Number(s.consumer_id))?.onReachedEndOfTopic?.();
      return;
    }
    case CommandType.ACTIVE_CONSUMER_CHANGE: {
      const s = sub(cmd, 'active_consumer_change');
      conn.consumers.get(Number(s.consumer_id))?.onActiveConsumerChange?.(s.is_active !== false);
      return;
    }
    default:
      // Commands this client never asked for (topic watchers) are ignored.
      return;
  }
}

function sub(cmd: Command, field: string): Sub {
  return (cmd[field] ?? {}) as Sub;
}

/** CommandCloseProducer from the broker: the producer must re-lookup and re-create. */
function onCloseProducer(conn: ClientConnection, s: Sub): void {
  const id = Number(s.producer_id);
  const handler = conn.producers.get(id);
  conn.producers.delete(id);
  handler?.onClosedByBroker();
}

/** CommandCloseConsumer from the broker: the consumer must re-lookup and re-subscribe. */
function onCloseConsumer(conn: ClientConnection, s: Sub): void {
  const id = Number(s.consumer_id);
  const handler = conn.consumers.get(id);
  conn.consumers.delete(id);
  handler?.onClosedByBroker();
}
