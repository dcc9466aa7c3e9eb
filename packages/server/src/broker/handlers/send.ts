// CommandSend (+ payload) → publish → CommandSendReceipt(producer_id, sequence_id, message_id,
// highest_sequence_id), or CommandSendError(ChecksumError / PersistenceError / the topic's refusal).
import { CommandType, ServerError } from '@magnetar/protocol';
import type { SequenceInfo } from '../dedup/sequence-tracker.js';
import { compactEntry } from '../../storage/entry-bytes.js';
import { BrokerError } from '../errors.js';
import { PersistentTopic } from '../topic/persistent-topic.js';
import type { Handler } from './types.js';

export const handleSend: Handler = (conn, cmd, frame) => {
  const s = cmd.send!;
  const producer = conn.producers.get(s.producer_id);
  if (!producer) {
    // Pulsar closes the connection too: the client's state is out of step with ours.
    conn.close(`SEND for unknown producer ${s.producer_id}`);
    return;
  }
  const highest = s.highest_sequence_id ?? s.sequence_id;
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
  // The decoder hands out views: into a socket chunk (copied here, so that caches do not pin the
  // whole chunk around the entry) or into a buffer of this frame alone when the frame spanned
  // chunks (kept as it is: that copy already happened). The entry is not copied again on its way
  // to disk (storage/entry-bytes.ts).
  const data = compactEntry(payload.headersAndPayload);
  const topic = producer.topic;
  let publishing;
  if (topic instanceof PersistentTopic) {
    // What deduplication checks: the producer's name and the SEND's sequence ids; of a chunked
    // message only the last chunk counts (MessageMetadata.chunk_id / num_chunks_from_msg).
    const md = payload.metadata;
    const seq: SequenceInfo = {
      producerName: producer.name,
      sequenceId: s.sequence_id,
      highestSequenceId: highest,
      lastChunk:
        !s.is_chunk || md.chunk_id === undefined || md.chunk_id === (md.num_chunks_from_msg ?? 0) - 1,
    };
    publishing = topic.publish(producer, data, messages, seq);
  } else {
    publishing = topic.publish(producer, data, messages);
  }
  conn.publishStarted();
  producer.inSendOrder(publishing).then(
    (pos) => {
      conn.publishFinished();
      conn.send({
        type: CommandType.SEND_RECEIPT,
        send_receipt: {
          producer_id: s.producer_id,
          sequence_id: s.sequence_id,
          message_id: { ledgerId: pos.ledgerId, entryId: pos.entryId },
          highest_sequence_id: highest,
        },
      });
    },
    (err: unknown) => {
      conn.publishFinished();
      if (err instanceof BrokerError) {
        // A refusal the topic decided (terminated, closing, a failed earlier copy): the client reacts to its code.
        conn.log.debug({ err: err.message, topic: topic.name }, 'publish refused');
        sendError(err.serverError, err.message);
        return;
      }
      conn.log.error({ err, topic: topic.name }, 'append failed');
      sendError(ServerError.PersistenceError, err instanceof Error ? err.message : String(err));
    },
  );
};
