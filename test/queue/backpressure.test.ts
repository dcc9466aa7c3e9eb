// How dispatch rounds meet a full socket, in process (harness) and over the wire: a round delivers
// what it read within the permits even if the socket fills during the round, the next round waits
// for the drain, reads are sized by entries (batches) rather than by message permits, and a drain
// wakes the consumers that were turned away.
import { afterEach, describe, expect, it } from 'vitest';
import { SubType } from '@magnetar/protocol';
import { RawClient } from '../helpers/raw-client.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { startHarness, TestConnection, type Harness } from './harness.js';
import { createProducer, flow, send, subscribe, until } from './raw-helpers.js';

let broker: TestBroker | undefined;
let h: Harness | undefined;
afterEach(async () => {
  await broker?.destroy();
  await h?.close();
  broker = undefined;
  h = undefined;
});

const BATCH = 10;

/** Publishes `n` entries of BATCH messages each (the dispatcher counts permits by num_messages_in_batch). */
async function publishBatches(h: Harness, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await h.publish({ num_messages_in_batch: BATCH }, `b${i}`);
}

/** Counts the entries the subscription's dispatcher reads from the ledger. */
function countReads(h: Harness): { entries: number } {
  const counter = { entries: 0 };
  const ledger = h.topic.ledger;
  const read = ledger.read.bind(ledger);
  ledger.read = async (...args: Parameters<typeof read>) => {
    const out = await read(...args);
    counter.entries += out.length;
    return out;
  };
  return counter;
}

describe('dispatch rounds and a full socket (in process)', () => {
  for (const [name, type] of [
    ['Exclusive', SubType.Exclusive],
    ['Shared', SubType.Shared],
    ['Key_Shared', SubType.Key_Shared],
  ] as const) {
    it(`${name}: a round that fills the socket still delivers what the permits allow, then waits for the drain`, async () => {
      h = await startHarness();
      await publishBatches(h, 30);
      const conn = new TestConnection(h.broker);
      // The socket reports full as soon as anything was written, as a 64 KiB mid-tick flush does.
      const write = conn.out.write.bind(conn.out);
      conn.out.write = (b: Buffer) => {
        write(b);
        conn.out.writable = false;
      };
      const c = await h.subscribe(conn, { consumerId: 1, type });
      h.subscription().flow(c, 10 * BATCH);
      await h.settle();
      // Everything the permits covered went out in the round that found the socket writable.
      expect(conn.messagesOf(1).map((r) => r.payload)).toEqual(
        Array.from({ length: 10 }, (_, i) => `b${i}`),
      );
      // More permits while the socket is full: nothing moves until it drains.
      h.subscription().flow(c, 5 * BATCH);
      await h.settle();
      expect(conn.messagesOf(1)).toHaveLength(10);
      conn.drain();
      await h.settle();
      expect(conn.messagesOf(1).map((r) => r.payload)).toEqual(
        Array.from({ length: 15 }, (_, i) => `b${i}`),
      );
    });
  }

  it('sizes reads by entries: batches are not read again and again for message permits', async () => {
    h = await startHarness();
    await publishBatches(h, 200);
    const reads = countReads(h);
    const conn = new TestConnection(h.broker);
    const c = await h.subscribe(conn, { consumerId: 1, type: SubType.Exclusive });
    // A receiver queue of 20 messages = 2 batches per flow, as a client refills half its queue.
    for (let delivered = 0; delivered < 200; delivered = conn.messagesOf(1).length) {
      h.subscription().flow(c, 2 * BATCH);
      await h.settle();
      expect(conn.messagesOf(1).length).toBeGreaterThan(delivered);
    }
    expect(conn.messagesOf(1).map((r) => r.payload)).toEqual(Array.from({ length: 200 }, (_, i) => `b${i}`));
    // Sized by message permits, every round read 20 entries to deliver 2 (10×). Sized by the
    // learnt messages per entry, only the first rounds over-read.
    expect(reads.entries).toBeLessThan(2 * 200);
  });

  it('a drain wakes only the consumers it turned away', async () => {
    h = await startHarness();
    await publishBatches(h, 4);
    const conn = new TestConnection(h.broker);
    const a = await h.subscribe(conn, { sub: 'a', consumerId: 1, type: SubType.Exclusive });
    const b = await h.subscribe(conn, { sub: 'b', consumerId: 2, type: SubType.Exclusive });
    h.subscription('a').flow(a, 4 * BATCH);
    await h.settle();
    expect(conn.messagesOf(1)).toHaveLength(4);
    conn.out.writable = false;
    // b asks while the socket is full and is turned away; a has nothing to ask for.
    h.subscription('b').flow(b, 4 * BATCH);
    await h.settle();
    expect(conn.messagesOf(2)).toHaveLength(0);
    let woken = 0;
    const dispatcherOfA = h.subscription('a').dispatcher!;
    const wake = dispatcherOfA.wake.bind(dispatcherOfA);
    dispatcherOfA.wake = () => {
      woken++;
      wake();
    };
    conn.drain();
    await h.settle();
    expect(conn.messagesOf(2)).toHaveLength(4);
    expect(woken).toBe(0);
  });
});

describe('a consumer of large messages behind a full socket (over the wire)', () => {
  it('gets every message once its client reads again, with a second consumer on the same connection', async () => {
    broker = await startTestBroker();
    const big = 'persistent://public/default/backpressure-big';
    const small = 'persistent://public/default/backpressure-small';
    const p = await RawClient.connected(broker.port);
    await createProducer(p, big, 1);
    await createProducer(p, small, 2);
    const payload = Buffer.alloc(256 * 1024, 7);
    for (let i = 0; i < 64; i++) await send(p, payload, { num_messages_in_batch: BATCH }, 1);
    for (let i = 0; i < 10; i++) await send(p, `s${i}`, {}, 2);
    const c = await RawClient.connected(broker.port);
    await subscribe(c, { topic: big, subscription: 's', subType: SubType.Exclusive, consumer_id: 1 });
    await subscribe(c, { topic: small, subscription: 's', subType: SubType.Shared, consumer_id: 2 });
    // 16 MiB asked for while the client does not read: the broker's socket fills and stays full.
    c.socket.pause();
    flow(c, 1, 64 * BATCH);
    flow(c, 2, 100);
    await new Promise((r) => setTimeout(r, 300));
    c.socket.resume();
    await until(() => c.frames.filter((f) => f.command.message?.consumer_id === 1).length === 64, 20_000);
    await until(() => c.frames.filter((f) => f.command.message?.consumer_id === 2).length === 10, 5_000);
    const bigIds = c.frames
      .filter((f) => f.command.message?.consumer_id === 1)
      .map((f) => f.command.message!.message_id.entryId);
    expect(bigIds).toEqual([...bigIds].sort((x, y) => Number(x) - Number(y)));
    expect(new Set(bigIds.map(String)).size).toBe(64);
    p.close();
    c.close();
  });
});
