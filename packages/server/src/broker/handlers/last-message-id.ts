// CommandGetLastMessageId → CommandGetLastMessageIdResponse (last_message_id, consumer_mark_delete_position).
import { CommandType, parseEntry } from '@magnetar/protocol';
import { notAllowed } from '../errors.js';
import type { Handler } from './types.js';

export const handleGetLastMessageId: Handler = async (conn, cmd) => {
  const r = cmd.getLastMessageId!;
  const c = conn.consumers.get(r.consumer_id);
  if (!c) throw notAllowed(`Consumer ${r.consumer_id} not found`);
  const topic = c.subscription.topic;
  const last = topic.lastMessagePosition();
  let batchIndex = -1;
  if (last.entryId >= 0) {
    // The id of a batch's last message carries its batch index, so hasMessageAvailable compares
    // correctly against a message id taken from inside the batch.
    const [e] = await topic.ledger.read(last, 1, Number.MAX_SAFE_INTEGER);
    const n = e ? (parseEntry(e.data).metadata.num_messages_in_batch ?? 1) : 1;
    if (n > 1) batchIndex = n - 1;
  }
  const md = c.subscription.cursor.markDeletePosition;
  conn.send({
    type: CommandType.GET_LAST_MESSAGE_ID_RESPONSE,
    getLastMessageIdResponse: {
      request_id: r.request_id,
      last_message_id: {
        ledgerId: last.ledgerId,
        entryId: last.entryId,
        ...(batchIndex >= 0 ? { batch_index: batchIndex } : {}),
      },
      consumer_mark_delete_position: { ledgerId: md.ledgerId, entryId: md.entryId },
    },
  });
};
