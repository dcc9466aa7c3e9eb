// CommandSend (+ payload) → append → CommandSendReceipt(producer_id, sequence_id, message_id,
// highest_sequence_id), or CommandSendError(ChecksumError / PersistenceError).
import { CommandType, ServerError } from '@magnetar/protocol';
import type { Handler } from './types.js';

export const handleSend: Handler = (conn, cmd, frame) => {
  const s = cmd.send!;
  const producer = conn.producers.get(s.producer_id);
  if (!producer) {
    // Pulsar closes the connection too: the client's state is out of step with ours.
    conn.close(`SEND for unknown producer ${s.producer_id}`);
    return;
  }
  const sendError = (error: number, message: string) =>
    conn.send({
      type: CommandType.SEND_ERROR,
      send_error: { producer_id: s.producer_id, sequence_id: s.sequence_id, error, message },
    });
  const payload = frame.payload;
  if (!payload) {
    sendError(ServerError.UnknownError, 'SEND without a message payload');
    return;
  }
  if (!payload.checksumValid) {
    sendError(ServerError.ChecksumError, 'Checksum mismatch: the message was corrupted in transit');
    return;
  }
  const messages = s.num_messages ?? payload.metadata.num_messages_in_batch ?? 1;
  // The decoder hands out views into socket chunks; the entry gets its own copy so that caches
  // hold exactly its bytes and not the whole chunk around them.
  const data = Buffer.from(payload.headersAndPayload);
  conn.publishStarted();
  producer.topic.publish(producer, data, messages).then(
    (pos) => {
      conn.publishFinished();
      conn.send({
        type: CommandType.SEND_RECEIPT,
        send_receipt: {
          producer_id: s.producer_id,
          sequence_id: s.sequence_id,
          message_id: { ledgerId: pos.ledgerId, entryId: pos.entryId },
          highest_sequence_id: s.highest_sequence_id ?? s.sequence_id,
        },
      });
    },
    (err: unknown) => {
      conn.publishFinished();
      conn.log.error({ err, topic: producer.topic.name }, 'append failed');
      sendError(ServerError.PersistenceError, err instanceof Error ? err.message : String(err));
    },
  );
};
