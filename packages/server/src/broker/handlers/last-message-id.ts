// CommandGetLastMessageId → CommandGetLastMessageIdResponse (last_message_id, consumer_mark_delete_position).
import { CommandType, parseEntry } from '@magnetar/protocol';
import { lastReadableBatchIndex } from '../compaction/compacted-entry.js';
import { lastCompactedPosition } from '../compaction/read-compacted.js';
import { notAllowed } from '../errors.js';
import { Subscription } from '../subscription/subscription.js';
import type { Handler } from './types.js';

export const handleGetLastMessageId: Handler = async (conn, cmd) => {
  const r = cmd.getLastMessageId!;
  const c = conn.consumers.get(r.consumer_id);
  if (!c) throw notAllowed(`Consumer ${r.consumer_id} not found`);
  const sub = c.subscription;
  // As Pulsar's NonPersistentTopic.getLastMessageId: nothing is stored, so there is no last message.
  if (!(sub instanceof Subscription))
    throw notAllowed('getLastMessageId is not supported on non-persistent topic');
  const topic = sub.topic;
  let last = topic.lastMessagePosition();
  let batchIndex = -1;
  // A read_compacted consumer may never see the log's last message (compacted away): its last
  // message is then the compacted view's last one, or none at all.
  const compacted = sub.readCompacted ? await lastCompactedPosition(topic, last) : undefined;
  if (compacted === null) last = { ledgerId: -1, entryId: -1 };
  else if (compacted) {
    last = compacted.position;
    batchIndex = lastReadableBatchIndex(compacted.data);
  } else if (last.entryId >= 0) {
    // The id of a batch's last message carries its batch index, so hasMessageAvailable compares
    // correctly against a message id taken from inside the batch.
    const [e] = await topic.ledger.read(last, 1, Number.MAX_SAFE_INTEGER);
    const n = e ? (parseEntry(e.data).metadata.num_messages_in_batch ?? 1) : 1;
    if (n > 1) batchIndex = n - 1;
  }
  const md = sub.cursor.markDeletePosition;
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
