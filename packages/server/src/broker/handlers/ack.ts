// CommandAck (ack_type, repeated message_id, request_id) → cursor; CommandAckResponse when request_id is set.
import { CommandType, ServerError } from '@magnetar/protocol';
import { toServerError } from '../errors.js';
import type { Handler } from './types.js';

export const handleAck: Handler = (conn, cmd) => {
  const a = cmd.ack!;
  const c = conn.consumers.get(a.consumer_id);
  let error: { code: number; message: string } | undefined;
  if (!c) {
    error = { code: ServerError.ConsumerNotFound, message: `Consumer ${a.consumer_id} not found` };
  } else {
    try {
      c.subscription.ack(c, a);
    } catch (err) {
      error = toServerError(err);
      conn.log.warn({ err: error.message }, 'ack refused');
    }
  }
  if (a.request_id !== undefined) {
    conn.send({
      type: CommandType.ACK_RESPONSE,
      ackResponse: {
        consumer_id: a.consumer_id,
        request_id: a.request_id,
        ...(error ? { error: error.code, message: error.message } : {}),
      },
    });
  }
};
