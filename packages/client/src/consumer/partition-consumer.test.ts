import { parseFrame, serializePayloadCommand } from '@magnetar/protocol';
import { describe, expect, it } from 'vitest';
import type { ClientContext } from '../client-context.js';
import { CommandType, type Command, type DecodedFrame, type MessageMetadata } from '../connection/wire.js';
import { ChunkMessageId } from '../message-id.js';
import { ManualClock } from '../util/clock.js';
import { resolveConsumerConfig } from './config.js';
import type { Message } from './message.js';
import { PartitionConsumer } from './partition-consumer.js';
import type { ConsumerConfig } from './types.js';

/**
 * PartitionConsumer driven through an in-memory connection (no TCP, no broker): MESSAGE frames go
 * in as the decoder would hand them over, and the commands the consumer writes are recorded.
 */
class FakeConnection {
  readonly consumers = new Map<number, unknown>();
  readonly sent: Command[] = [];
  readonly maxMessageSize = 5 * 1024 * 1024;
  state = 'ready';
  private ids = 0;

  newRequestId(): number {
    return this.ids++;
  }

  send(cmd: Command): boolean {
    this.sent.push(cmd);
    return true;
  }

  async request(cmd: Command): Promise<Command> {
    this.sent.push(cmd);
    return { type: CommandType.SUCCESS };
  }

  ofType(type: number): Record<string, unknown>[] {
    return this.sent
      .filter((c) => c.type === type)
      .map((c) => Object.values(c).find((v) => typeof v === 'object') as Record<string, unknown>);
  }
}

async function harness(config: Partial<ConsumerConfig> = {}) {
  const conn = new FakeConnection();
  const clock = new ManualClock(1_000_000);
  const logs: string[] = [];
  const ctx = {
    lookup: { connectionFor: async () => conn },
    operationTimeoutMs: 1000,
    log: (_level: string, m: string) => logs.push(m),
    time: clock,
    newProducerId: () => 0,
    newConsumerId: () => 0,
    track: () => () => undefined,
  } as unknown as ClientContext;
  const cfg = resolveConsumerConfig({ subscription: 's', ackGroupingTimeMs: 0, ...config });
  const delivered: Message[] = [];
  const pc = new PartitionConsumer(ctx, 't', -1, cfg, (m) => delivered.push(m));
  await pc.start();
  /** Feeds one MESSAGE frame; `corrupt` flips a payload byte after the CRC was computed. */
  const feed = (entryId: number, metadata: MessageMetadata, payload: Buffer, corrupt = false) => {
    const message = { consumer_id: pc.consumerId, message_id: { ledgerId: 1, entryId }, redelivery_count: 0 };
    const bytes = serializePayloadCommand({ type: CommandType.MESSAGE, message }, metadata, payload);
    if (corrupt) bytes[bytes.length - 1] ^= 0xff;
    const frame = parseFrame(bytes) as unknown as DecodedFrame;
    pc.onMessage(frame.command.message as Record<string, unknown>, frame);
  };
  return { pc, conn, clock, logs, delivered, feed };
}

const meta = (over: Partial<MessageMetadata> = {}): MessageMetadata => ({
  producer_name: 'p',
  sequence_id: 0,
  publish_time: 1_000_000,
  ...over,
});

const chunk = (uuid: string, chunkId: number, numChunks: number, total: number) =>
  meta({ uuid, chunk_id: chunkId, num_chunks_from_msg: numChunks, total_chunk_msg_size: total });

describe('PartitionConsumer', () => {
  it('acks a MESSAGE whose CRC32C does not match with validation_error ChecksumMismatch', async () => {
    const { conn, delivered, feed, logs } = await harness({ receiverQueueSize: 2 });
    feed(5, meta(), Buffer.from('hello'), true);
    expect(delivered).toHaveLength(0);
    const [ack] = conn.ofType(CommandType.ACK);
    expect(ack).toMatchObject({
      ack_type: 0,
      message_id: [{ ledgerId: 1, entryId: 5 }],
      validation_error: 2,
    });
    expect(logs.some((l) => l.includes('checksum mismatch'))).toBe(true);
    // Its permit comes back, so the broker keeps sending.
    expect(conn.ofType(CommandType.FLOW).at(-1)).toMatchObject({ messagePermits: 1 });
    feed(6, meta(), Buffer.from('fine'));
    expect(delivered.map((m) => m.getData().toString())).toEqual(['fine']);
  });

  it('reassembles chunks into one message whose id acks and nacks every chunk', async () => {
    const { pc, conn, clock, delivered, feed } = await harness({
      subscriptionType: 'Shared',
      negativeAckRedeliveryBackoff: { minDelayMs: 100, maxDelayMs: 1000, multiplier: 2 },
    });
    feed(10, chunk('p-0', 0, 3, 9), Buffer.from('abc'));
    feed(11, chunk('p-0', 1, 3, 9), Buffer.from('def'));
    expect(delivered).toHaveLength(0);
    feed(12, chunk('p-0', 2, 3, 9), Buffer.from('ghi'));
    expect(delivered).toHaveLength(1);
    const msg = delivered[0];
    expect(msg.getData().toString()).toBe('abcdefghi');
    const id = msg.getMessageId() as ChunkMessageId;
    expect(id).toBeInstanceOf(ChunkMessageId);
    expect([id.firstChunkId.entryId, id.entryId]).toEqual([10, 12]);
    expect(pc.onDequeued(msg)).toBe(true);

    pc.negativeAcknowledge(id, 1); // back-off for the 2nd delivery: 200 ms
    clock.advance(150);
    expect(conn.ofType(CommandType.REDELIVER_UNACKNOWLEDGED_MESSAGES)).toHaveLength(0);
    clock.advance(100);
    const [redeliver] = conn.ofType(CommandType.REDELIVER_UNACKNOWLEDGED_MESSAGES);
    expect((redeliver.message_ids as { entryId: number }[]).map((m) => m.entryId)).toEqual([10, 11, 12]);

    feed(20, chunk('p-1', 0, 2, 2), Buffer.from('x'));
    feed(21, chunk('p-1', 1, 2, 2), Buffer.from('y'));
    pc.acknowledge(delivered[1].getMessageId());
    const acked = conn.ofType(CommandType.ACK).flatMap((a) => a.message_id as { entryId: number }[]);
    expect(acked.map((m) => m.entryId)).toEqual([20, 21]);
  });

  it('acknowledges the chunks of a message that never completes once it expires', async () => {
    const { conn, clock, delivered, feed, pc } = await harness({
      expireTimeOfIncompleteChunkedMessageMs: 400,
    });
    feed(30, chunk('p-9', 0, 3, 3), Buffer.from('a'));
    feed(31, chunk('p-9', 1, 3, 3), Buffer.from('b'));
    clock.advance(300);
    expect(conn.ofType(CommandType.ACK)).toHaveLength(0);
    clock.advance(200);
    const acked = conn.ofType(CommandType.ACK).flatMap((a) => a.message_id as { entryId: number }[]);
    expect(acked.map((m) => m.entryId)).toEqual([30, 31]);
    expect(delivered).toHaveLength(0);
    // Nothing left to sweep: no timer stays behind.
    await pc.close();
    expect(clock.pendingTasks).toBe(0);
  });
});
