// CommandFlow.messagePermits: more messages this consumer may receive.
import type { Handler } from './types.js';

export const handleFlow: Handler = (conn, cmd) => {
  const f = cmd.flow!;
  const c = conn.consumers.get(f.consumer_id);
  if (!c) {
    conn.log.debug({ consumer: f.consumer_id }, 'FLOW for unknown consumer ignored');
    return;
  }
  c.subscription.flow(c, f.messagePermits ?? 0);
};
