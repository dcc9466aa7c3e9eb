// CommandSeek (message_id or message_publish_time) → reset the cursor, CommandSuccess, then the
// subscription's consumers are closed from the broker side and re-subscribe, as with Pulsar.
import { parseEntry } from '@magnetar/protocol';
import { notAllowed } from '../errors.js';
import { Subscription } from '../subscription/subscription.js';
import type { Handler } from './types.js';

/** Ledger ids at or above this mean MessageId.latest. */
const LATEST_LEDGER_ID = 2 ** 62;

export const handleSeek: Handler = async (conn, cmd) => {
  const r = cmd.seek!;
  const c = conn.consumers.get(r.consumer_id);
  if (!c) throw notAllowed(`Consumer ${r.consumer_id} not found`);
  const sub = c.subscription;
  // Pulsar refuses it too: a non-persistent subscription has no cursor to move.
  if (!(sub instanceof Subscription)) throw notAllowed('Seek is not supported on non-persistent topics');
  const ml = sub.topic.ledger;
  let target;
  if (r.message_id) {
    const id = r.message_id;
    if (id.ledgerId < 0) target = ml.firstPosition() ?? ml.nextPosition();
    else if (id.ledgerId >= LATEST_LEDGER_ID) target = ml.nextPosition();
    else target = { ledgerId: id.ledgerId, entryId: id.entryId };
  } else if (r.message_publish_time !== undefined) {
    const t = r.message_publish_time;
    target =
      (await ml.findFirst((e) => (parseEntry(e.data).metadata.publish_time ?? 0) >= t)) ?? ml.nextPosition();
  } else {
    throw notAllowed('SEEK needs a message id or a publish time');
  }
  sub.resetTo(target);
  conn.sendSuccess(r.request_id);
  sub.disconnectConsumers();
};
