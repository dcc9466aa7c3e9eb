// CommandCloseConsumer → CommandSuccess; CommandUnsubscribe → delete the subscription, CommandSuccess.
import { consumerBusy } from '../errors.js';
import { Subscription } from '../subscription/subscription.js';
import type { Handler } from './types.js';

export const handleCloseConsumer: Handler = (conn, cmd) => {
  const r = cmd.close_consumer!;
  const c = conn.consumers.get(r.consumer_id);
  if (c) {
    conn.consumers.delete(r.consumer_id);
    c.subscription.removeConsumer(c);
  }
  conn.sendSuccess(r.request_id);
};

export const handleUnsubscribe: Handler = async (conn, cmd) => {
  const r = cmd.unsubscribe!;
  const c = conn.consumers.get(r.consumer_id);
  if (!c) {
    conn.sendSuccess(r.request_id);
    return;
  }
  const sub = c.subscription;
  const others = sub.consumers.filter((x) => x !== c);
  if (others.length > 0 && !r.force) {
    throw consumerBusy(`Subscription ${sub.name} has other connected consumers`);
  }
  for (const o of others) {
    o.closeFromBroker();
    o.connection.consumers.delete(o.consumerId);
    sub.removeConsumer(o);
  }
  conn.consumers.delete(r.consumer_id);
  sub.removeConsumer(c);
  if (sub instanceof Subscription) await sub.topic.deleteSubscription(sub);
  else await sub.topic.deleteSubscription(sub);
  conn.sendSuccess(r.request_id);
};
