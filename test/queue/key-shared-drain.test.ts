import { afterEach, describe, expect, it } from 'vitest';
import { KeySharedMode, ServerError, SubType, murmur3_32, stickyKeyHashSlot } from '@magnetar/protocol';
import { BrokerError } from '../../packages/server/src/broker/errors.js';
import { startHarness, TestConnection, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const slotOf = (key: string) => stickyKeyHashSlot(murmur3_32(key));

describe('Key_Shared draining (PIP-379) and insight', () => {
  it('holds moved keys until the old consumer acks, keeps the others flowing, and reports it', async () => {
    h = await startHarness();
    const conn = new TestConnection(h.broker);
    const a = await h.subscribe(conn, { consumerId: 1, name: 'a', type: SubType.Key_Shared });
    const sub = h.subscription();
    sub.flow(a, 1000);
    const old = Array.from({ length: 20 }, (_, i) => `old-${i}`);
    for (const k of old) await h.publish({ partition_key: k }, `${k}#1`);
    await h.settle();
    expect(conn.messagesOf(1)).toHaveLength(20);
    // "a" is slow: it acks nothing. "b" joins and takes part of the key space.
    const b = await h.subscribe(conn, { consumerId: 2, name: 'b', type: SubType.Key_Shared });
    sub.flow(b, 1000);
    const fresh = Array.from({ length: 20 }, (_, i) => `new-${i}`);
    for (const k of [...old, ...fresh]) await h.publish({ partition_key: k }, `${k}#2`);
    await h.settle();
    const toB = (k: string) => {
      const stats = sub.keySharedStats()!;
      const ranges = stats.consumers.find((c) => c.consumerName === 'b')!.hashRanges;
      return ranges.some(([s, e]) => slotOf(k) >= s && slotOf(k) <= e);
    };
    const moved = old.filter(toB);
    const freshAtB = fresh.filter(toB);
    expect(moved.length).toBeGreaterThan(0);
    expect(freshAtB.length).toBeGreaterThan(0);
    const atB = conn.messagesOf(2).map((r) => r.payload);
    // Keys new to the subscription flow to b at once; keys that moved wait for a's acks.
    expect(atB.sort()).toEqual(freshAtB.map((k) => `${k}#2`).sort());
    const stats = sub.keySharedStats()!;
    expect(stats.keySharedMode).toBe('AUTO_SPLIT');
    expect(stats.drainingHashesCount).toBe(new Set(moved.map(slotOf)).size);
    expect(stats.drainingHashesPendingMessages).toBe(moved.length);
    expect(stats.messagesInReplay).toBe(moved.length);
    expect(
      stats.consumers
        .find((c) => c.consumerName === 'a')!
        .drainingHashes.map((d) => d.hash)
        .sort(),
    ).toEqual([...new Set(moved.map(slotOf))].sort());
    expect(stats.hottestByPending.length).toBeGreaterThan(0);
    expect(stats.hottestByDelivered[0].sampleKey).toMatch(/^(old|new)-/);
    // a acks everything: the moved keys drain and their second messages go to b.
    sub.ack(a, { consumer_id: 1, ack_type: 0, message_id: conn.messagesOf(1).map((r) => r.position) });
    await h.settle();
    expect(
      conn
        .messagesOf(2)
        .map((r) => r.payload)
        .sort(),
    ).toEqual([...freshAtB, ...moved].map((k) => `${k}#2`).sort());
    const after = sub.keySharedStats()!;
    expect(after.drainingHashesCount).toBe(0);
    expect(after.drainingHashesClearedTotal).toBe(new Set(moved.map(slotOf)).size);
  });

  it('a departing consumer hands its keys over at once, oldest first', async () => {
    h = await startHarness();
    const conn = new TestConnection(h.broker);
    const a = await h.subscribe(conn, { consumerId: 1, name: 'a', type: SubType.Key_Shared });
    const sub = h.subscription();
    sub.flow(a, 1000);
    for (let i = 0; i < 5; i++) await h.publish({ partition_key: 'k' }, `k${i}`);
    await h.settle();
    const b = await h.subscribe(conn, { consumerId: 2, name: 'b', type: SubType.Key_Shared });
    sub.flow(b, 1000);
    for (let i = 5; i < 8; i++) await h.publish({ partition_key: 'k' }, `k${i}`);
    sub.removeConsumer(a);
    await h.settle();
    // Whatever b owns now, it receives the key's messages in order, a's unacked ones first.
    expect(conn.messagesOf(2).map((r) => r.payload)).toEqual([
      'k0',
      'k1',
      'k2',
      'k3',
      'k4',
      'k5',
      'k6',
      'k7',
    ]);
  });

  it('STICKY: a slot no consumer covers waits; a consumer covering it later receives it', async () => {
    h = await startHarness();
    const conn = new TestConnection(h.broker);
    const slot = murmur3_32('lonely') % 65536;
    const low = slot > 100 ? { start: 0, end: slot - 1 } : { start: slot + 1, end: 65535 };
    const a = await h.subscribe(conn, {
      consumerId: 1,
      type: SubType.Key_Shared,
      keySharedMeta: { keySharedMode: KeySharedMode.STICKY, hashRanges: [low] },
    });
    const sub = h.subscription();
    sub.flow(a, 100);
    await h.publish({ partition_key: 'lonely' }, 'x');
    await h.settle();
    expect(conn.messagesOf(1)).toHaveLength(0);
    const b = await h.subscribe(conn, {
      consumerId: 2,
      type: SubType.Key_Shared,
      keySharedMeta: { keySharedMode: KeySharedMode.STICKY, hashRanges: [{ start: slot, end: slot }] },
    });
    sub.flow(b, 100);
    await h.settle();
    expect(conn.messagesOf(2).map((r) => r.payload)).toEqual(['x']);
    expect(sub.keySharedStats()!.keySharedMode).toBe('STICKY');
  });

  it('allowOutOfOrderDelivery sends moved keys to their new owner at once', async () => {
    h = await startHarness();
    const conn = new TestConnection(h.broker);
    const meta = { keySharedMode: KeySharedMode.AUTO_SPLIT, allowOutOfOrderDelivery: true };
    const a = await h.subscribe(conn, {
      consumerId: 1,
      name: 'a',
      type: SubType.Key_Shared,
      keySharedMeta: meta,
    });
    const sub = h.subscription();
    sub.flow(a, 1000);
    const keys = Array.from({ length: 20 }, (_, i) => `key-${i}`);
    for (const k of keys) await h.publish({ partition_key: k }, `${k}#1`);
    await h.settle();
    const b = await h.subscribe(conn, {
      consumerId: 2,
      name: 'b',
      type: SubType.Key_Shared,
      keySharedMeta: meta,
    });
    sub.flow(b, 1000);
    for (const k of keys) await h.publish({ partition_key: k }, `${k}#2`);
    await h.settle();
    expect(conn.messagesOf(1).length + conn.messagesOf(2).length).toBe(40);
    expect(conn.messagesOf(2).length).toBeGreaterThan(0);
    // A consumer asking for another policy is refused while these are attached.
    const refused = await h
      .subscribe(conn, { consumerId: 3, type: SubType.Key_Shared })
      .then(() => undefined)
      .catch((err: unknown) => (err instanceof BrokerError ? err.serverError : -1));
    expect(refused).toBe(ServerError.ConsumerBusy);
  });
});
