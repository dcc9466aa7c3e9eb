// CommandRedeliverUnacknowledgedMessages (consumer_id, message_ids): nack and ack-timeout redelivery.
import type { Handler } from './types.js';

export const handleRedeliver: Handler = (conn, cmd) => {
  const r = cmd.redeliverUnacknowledgedMessages!;
  const c = conn.consumers.get(r.consumer_id);
  if (!c) {
    conn.log.debug({ consumer: r.consumer_id }, 'REDELIVER for unknown consumer ignored');
    return;
  }
  c.subscription.redeliver(c, r.message_ids ?? []);
};
