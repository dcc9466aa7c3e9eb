import { describe, expect, it } from 'vitest';
import { descriptorOf, encodeMessage } from '@magnetar/protocol';
import { ChunkMessageId, MessageId } from './message-id.js';

describe('MessageId', () => {
  it('round-trips through serialize/deserialize', () => {
    for (const id of [
      new MessageId(1, 2),
      new MessageId(7, 0, 3, 4, 10),
      MessageId.earliest(),
      new MessageId(2 ** 40, 2 ** 33, 0, 0, 1),
    ]) {
      const back = MessageId.deserialize(id.serialize());
      expect(back.toString()).toBe(id.toString());
      expect(back.batchSize).toBe(id.batchSize);
    }
  });

  it('keeps latest at Long.MAX_VALUE', () => {
    const back = MessageId.deserialize(MessageId.latest().serialize());
    expect(back.isLatest()).toBe(true);
    // 0x7fffffffffffffff as a varint is eight 0xff bytes and 0x7f.
    expect(MessageId.latest().serialize().subarray(1, 10).toString('hex')).toBe('ffffffffffffffff7f');
  });

  it('writes the same bytes as the protocol codec for MessageIdData', () => {
    const id = new MessageId(5, 9, 2, 3, 0);
    const viaProtocol = encodeMessage(descriptorOf('MessageIdData'), {
      ledgerId: 5,
      entryId: 9,
      partition: 2,
      batch_index: 3,
    });
    expect(Buffer.from(viaProtocol).toString('hex')).toBe(id.serialize().toString('hex'));
  });

  it('orders by ledger, entry and batch index', () => {
    const ids = [
      new MessageId(2, 0),
      new MessageId(1, 5, -1, 1),
      new MessageId(1, 5, -1, 0),
      new MessageId(1, 4),
    ];
    ids.sort(MessageId.compare);
    expect(ids.map(String)).toEqual(['1:4:-1:-1', '1:5:-1:0', '1:5:-1:1', '2:0:-1:-1']);
    expect(MessageId.earliest().compareTo(new MessageId(0, 0))).toBeLessThan(0);
  });

  it('parses its string form and rejects garbage', () => {
    expect(MessageId.fromString('3:4:5:6').toString()).toBe('3:4:5:6');
    expect(() => MessageId.fromString('x:y')).toThrow(TypeError);
    expect(() => MessageId.deserialize(Buffer.from([0x08]))).toThrow(/invalid serialized message id/);
  });
});

describe('ChunkMessageId', () => {
  it('names the last chunk, serializes the first one (first_chunk_message_id) and round-trips', () => {
    const id = new ChunkMessageId(new MessageId(3, 1, 2), new MessageId(3, 4, 2), [
      new MessageId(3, 1, 2),
      new MessageId(3, 2, 2),
      new MessageId(3, 4, 2),
    ]);
    expect([id.ledgerId, id.entryId, id.partition]).toEqual([3, 4, 2]);
    const viaProtocol = encodeMessage(descriptorOf('MessageIdData'), {
      ledgerId: 3,
      entryId: 4,
      partition: 2,
      first_chunk_message_id: { ledgerId: 3, entryId: 1, partition: 2 },
    });
    expect(id.serialize().toString('hex')).toBe(Buffer.from(viaProtocol).toString('hex'));
    const back = MessageId.deserialize(id.serialize());
    expect(back).toBeInstanceOf(ChunkMessageId);
    expect(back.toString()).toBe(id.toString());
    expect((back as ChunkMessageId).firstChunkId.entryId).toBe(1);
  });
});
