import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SubType } from '@magnetar/protocol';
import { startHarness, TestConnection, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const payloads = (conn: TestConnection, id = 1) => conn.messagesOf(id).map((r) => r.payload);

async function setup(type: number, overrides = {}) {
  h = await startHarness(overrides);
  const conn = new TestConnection(h.broker);
  const c = await h.subscribe(conn, { consumerId: 1, type });
  h.subscription().flow(c, 100);
  return { h, conn, c, now: () => h!.clock!.now() };
}

describe('delayed delivery in the dispatcher (ManualClock)', () => {
  it('Shared holds a delayed message until its time; it is backlog, not unacked', async () => {
    const { h, conn, now } = await setup(SubType.Shared, { delayedDeliveryTickTimeMillis: 1000 });
    await h.publish({}, 'm0');
    await h.publish({ deliver_at_time: now() + 5000 }, 'm1');
    await h.publish({}, 'm2');
    await h.settle();
    expect(payloads(conn)).toEqual(['m0', 'm2']);
    const sub = h.subscription();
    expect(sub.delayedMessages()).toBe(1);
    expect(sub.backlog()).toBe(3);
    expect(sub.dispatcher!.unackedMessages).toBe(2);
    h.clock!.advance(4999);
    await h.settle();
    expect(payloads(conn)).toEqual(['m0', 'm2']);
    h.clock!.advance(1);
    await h.settle();
    expect(payloads(conn)).toEqual(['m0', 'm2', 'm1']);
    expect(sub.delayedMessages()).toBe(0);
    expect(sub.dispatcher!.unackedMessages).toBe(3);
  });

  it('Exclusive and Failover deliver delayed messages at once, in order', async () => {
    for (const type of [SubType.Exclusive, SubType.Failover]) {
      const { h, conn, now } = await setup(type);
      await h.publish({}, 'm0');
      await h.publish({ deliver_at_time: now() + 60_000 }, 'm1');
      await h.publish({}, 'm2');
      await h.settle();
      expect(payloads(conn)).toEqual(['m0', 'm1', 'm2']);
      await h.close();
    }
    h = undefined;
  });

  it('Key_Shared holds delayed messages too; a time in the past means now', async () => {
    const { h, conn, now } = await setup(SubType.Key_Shared);
    await h.publish({ partition_key: 'a', deliver_at_time: now() + 3000 }, 'later');
    await h.publish({ partition_key: 'a', deliver_at_time: now() - 3000 }, 'past');
    await h.settle();
    expect(payloads(conn)).toEqual(['past']);
    h.clock!.advance(3000);
    await h.settle();
    expect(payloads(conn)).toEqual(['past', 'later']);
  });

  it('caps delays at delayedDeliveryMaxDelayInMillis after publish time', async () => {
    const { h, conn, now } = await setup(SubType.Shared, {
      delayedDeliveryMaxDelayInMillis: 2000,
      delayedDeliveryTickTimeMillis: 100,
    });
    await h.publish({ publish_time: now(), deliver_at_time: now() + 3_600_000 }, 'capped');
    await h.settle();
    expect(payloads(conn)).toEqual([]);
    h.clock!.advance(2000);
    await h.settle();
    expect(payloads(conn)).toEqual(['capped']);
  });

  it('never delivers a delayed message that was acked before its time, nor one twice', async () => {
    const { h, conn, c, now } = await setup(SubType.Shared, { delayedDeliveryTickTimeMillis: 100 });
    const p0 = await h.publish({ deliver_at_time: now() + 1000 }, 'acked-early');
    await h.publish({ deliver_at_time: now() + 1000 }, 'kept');
    await h.settle();
    h.subscription().ack(c, { consumer_id: 1, ack_type: 0, message_id: [p0] });
    // The consumer leaves and one of another type comes: its new dispatcher reads again from
    // markDelete, and must neither deliver early nor index twice.
    const before = h.subscription().dispatcher;
    h.subscription().removeConsumer(c);
    const c2 = await h.subscribe(conn, { consumerId: 2, type: SubType.Key_Shared });
    expect(h.subscription().dispatcher).not.toBe(before);
    h.subscription().flow(c2, 100);
    await h.settle();
    expect(payloads(conn, 2)).toEqual([]);
    expect(h.subscription().delayedMessages()).toBe(2);
    h.clock!.advance(1000);
    await h.settle();
    h.clock!.advance(1000);
    await h.settle();
    expect(payloads(conn, 2)).toEqual(['kept']);
  });

  it('waits for permits: a due message goes out when the consumer asks for more', async () => {
    h = await startHarness({ delayedDeliveryTickTimeMillis: 100 });
    const conn = new TestConnection(h.broker);
    const c = await h.subscribe(conn, { consumerId: 1, type: SubType.Shared });
    await h.publish({ deliver_at_time: h.clock!.now() + 500 }, 'd');
    h.subscription().flow(c, 1);
    await h.settle();
    await h.publish({}, 'n');
    await h.settle();
    expect(payloads(conn)).toEqual(['n']);
    h.clock!.advance(1000);
    await h.settle();
    expect(payloads(conn)).toEqual(['n']);
    h.subscription().flow(c, 1);
    await h.settle();
    expect(payloads(conn)).toEqual(['n', 'd']);
  });

  it('SEEK rebuilds the index from the new position; UNSUBSCRIBE removes its files', async () => {
    const { h, conn, c, now } = await setup(SubType.Shared, {
      delayedDeliveryTickTimeMillis: 100,
      delayedDeliveryMinIndexCountPerBucket: 100,
    });
    const first = await h.publish({ deliver_at_time: now() + 1000 }, 'd0');
    for (let i = 1; i < 150; i++) await h.publish({ deliver_at_time: now() + 1000 }, `d${i}`);
    await h.settle();
    const sub = h.subscription();
    sub.flow(c, 100);
    expect(sub.delayedMessages()).toBe(150);
    await sub.delayedTracker!.flushed();
    const dir = join(h.dataDir, 'delayed', encodeURIComponent(h.topic.name), 'sub');
    expect((await readdir(dir)).some((f) => f.startsWith('bucket-'))).toBe(true);
    sub.resetTo(first);
    await sub.delayedTracker!.whenReady();
    await h.settle();
    expect(sub.delayedMessages()).toBe(150);
    h.clock!.advance(1000);
    await h.settle();
    await waitUntil(() => conn.messagesOf(1).length === 150);
    expect(new Set(payloads(conn)).size).toBe(150);
    sub.removeConsumer(c);
    await h.topic.deleteSubscription(sub);
    expect(await readdir(dir).catch(() => 'gone')).toBe('gone');
  });
});

/** Real-time polling for file I/O started under the manual clock. */
async function waitUntil(cond: () => boolean): Promise<void> {
  for (let i = 0; !cond(); i++) {
    if (i > 500) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}
