import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionPool } from '../connection/pool.js';
import { CommandType, encodePayloadCommand } from '../connection/wire.js';
import { ChunkMessageId } from '../index.js';
import { silentLogger } from '../logger.js';
import { startTestBed, subscriptionBacklog, uniqueTopic, type TestBed } from './helpers.js';

let bed: TestBed;

beforeAll(async () => {
  bed = await startTestBed();
});

afterAll(async () => {
  await bed?.destroy();
});

/**
 * Publishes the first `send` chunks of a `numChunks`-chunk message straight over the wire, as a
 * producer that dies midway would leave them.
 */
async function publishPartialChunks(topic: string, numChunks: number, send: number): Promise<void> {
  const pool = new ConnectionPool({
    connectionTimeoutMs: 5000,
    operationTimeoutMs: 5000,
    keepAliveIntervalMs: 30_000,
    log: silentLogger,
  });
  const url = new URL(bed.broker.brokerServiceUrl);
  const conn = await pool.get({ host: url.hostname, port: Number(url.port) });
  const requestId = conn.newRequestId();
  const res = await conn.request(
    { type: CommandType.PRODUCER, producer: { topic, producer_id: 1, request_id: requestId } },
    requestId,
  );
  const producerName = String((res.producer_success as { producer_name: string }).producer_name);
  const receipts: Promise<void>[] = [];
  for (let i = 0; i < send; i++) {
    const metadata = {
      producer_name: producerName,
      sequence_id: 0,
      publish_time: Date.now(),
      uuid: `${producerName}-0`,
      chunk_id: i,
      num_chunks_from_msg: numChunks,
      total_chunk_msg_size: numChunks * 4,
    };
    receipts.push(
      new Promise((resolve) =>
        conn.producers.set(1, {
          onSendReceipt: () => resolve(),
          onSendError: () => resolve(),
          onClosedByBroker: () => resolve(),
          onConnectionClosed: () => resolve(),
        }),
      ),
    );
    conn.write(
      encodePayloadCommand(
        { type: CommandType.SEND, send: { producer_id: 1, sequence_id: 0, is_chunk: true } },
        metadata,
        Buffer.from(`c${i}..`),
      ),
    );
    await receipts[i];
  }
  await pool.close();
}

describe('chunking', () => {
  it('round-trips a 20 MiB message through a broker with the default 5 MiB limit', async () => {
    const topic = uniqueTopic('chunk-20m');
    const consumer = await bed.client.subscribe({ topic, subscription: 'big' });
    const producer = await bed.client.createProducer({ topic, chunkingEnabled: true });
    const payload = randomBytes(20 * 1024 * 1024);
    const id = await producer.send({ data: payload, properties: { kind: 'big' }, partitionKey: 'k' });
    expect(id).toBeInstanceOf(ChunkMessageId);
    expect(id.entries()).toHaveLength(5); // 20 MiB in chunks of a little under 5 MiB
    const msg = await consumer.receive(20_000);
    expect(msg.getData().equals(payload)).toBe(true);
    expect(msg.getProperties()).toEqual({ kind: 'big' });
    expect(msg.getPartitionKey()).toBe('k');
    expect(msg.getMessageId().toString()).toBe(id.toString());
    // A small message on the same producer goes as one ordinary entry.
    const small = await producer.send({ data: Buffer.from('small') });
    expect(small).not.toBeInstanceOf(ChunkMessageId);
    await consumer.acknowledge(msg);
    await consumer.acknowledge(await consumer.receive(5000));
    // Acknowledging the chunked message acknowledged every chunk: the backlog is empty.
    await expect.poll(() => subscriptionBacklog(bed.broker, topic, 'big'), { timeout: 5000 }).toBe(0);
    await Promise.all([consumer.close(), producer.close()]);
  });

  it('acknowledges the chunks of an interrupted chunked message once it expires', async () => {
    const topic = uniqueTopic('chunk-cut');
    const consumer = await bed.client.subscribe({
      topic,
      subscription: 'cut',
      expireTimeOfIncompleteChunkedMessageMs: 300,
    });
    await publishPartialChunks(topic, 3, 2);
    const producer = await bed.client.createProducer({ topic });
    await producer.send({ data: Buffer.from('after') });
    const after = await consumer.receive(5000);
    expect(after.getData().toString()).toBe('after');
    await consumer.acknowledge(after);
    // The two chunks never became a message; after 300 ms they are acknowledged and dropped.
    await expect.poll(() => subscriptionBacklog(bed.broker, topic, 'cut'), { timeout: 5000 }).toBe(0);
    expect(bed.logs.some((l) => l.includes('incomplete chunked message expired'))).toBe(true);
    await consumer.close();
    // Nothing is redelivered to the next consumer of the subscription.
    const next = await bed.client.subscribe({ topic, subscription: 'cut' });
    await expect(next.receive(500)).rejects.toMatchObject({ code: 'TIMEOUT' });
    await Promise.all([next.close(), producer.close()]);
  });
});

describe('chunking with a broker limit other than 5 MiB', () => {
  it('sizes chunks by the max_message_size the broker advertises, and reads frames that large', async () => {
    const mib = 1024 * 1024;
    const big = await startTestBed({ maxMessageSize: 6 * mib });
    try {
      const topic = uniqueTopic('chunk-6m');
      const consumer = await big.client.subscribe({ topic, subscription: 's' });
      const producer = await big.client.createProducer({ topic, chunkingEnabled: true });
      // 5.5 MiB fits the broker's limit: one entry, in a frame larger than the default 5 MiB.
      const whole = randomBytes(5.5 * mib);
      expect(await producer.send({ data: whole })).not.toBeInstanceOf(ChunkMessageId);
      const split = randomBytes(7 * mib);
      const id = await producer.send({ data: split });
      expect(id.entries()).toHaveLength(2);
      expect((await consumer.receive(10_000)).getData().equals(whole)).toBe(true);
      const msg = await consumer.receive(10_000);
      expect(msg.getData().equals(split)).toBe(true);
      expect(big.logs.filter((l) => l.includes('closed'))).toEqual([]);
      await Promise.all([consumer.close(), producer.close()]);
    } finally {
      await big.destroy();
    }
  });
});
