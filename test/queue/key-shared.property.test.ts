import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SubType } from '@magnetar/protocol';
import type { Consumer } from '../../packages/server/src/broker/subscription/consumer.js';
import { startHarness, TestConnection, type Harness, type Received } from './harness.js';

const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'];

type Op =
  | { kind: 'publish'; key: number; n: number }
  | { kind: 'join' }
  | { kind: 'leave'; who: number }
  | { kind: 'flow'; who: number; permits: number }
  | { kind: 'ack'; who: number; picks: number[] }
  | { kind: 'nack'; who: number; picks: number[] };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('publish' as const),
      key: fc.nat(KEYS.length - 1),
      n: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('join' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('leave' as const), who: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('flow' as const),
      who: fc.nat(),
      permits: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('ack' as const),
      who: fc.nat(),
      picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('nack' as const),
      who: fc.nat(),
      picks: fc.array(fc.nat(), { minLength: 1, maxLength: 2 }),
    }),
  },
);

interface TestConsumer {
  id: number;
  conn: TestConnection;
  consumer: Consumer;
  /** Delivered and not yet acked or nacked, by position key. */
  pending: Map<string, Received>;
  seen: number;
}

const posKey = (r: Received) => `${r.position.ledgerId}:${r.position.entryId}`;
const keyOf = (r: Received) => r.metadata.partition_key!;
const seqOf = (r: Received) => Number(r.payload);

/** Drives one Key_Shared subscription and checks PIP-379's invariants after every step. */
class Run {
  readonly consumers: TestConsumer[] = [];
  private nextId = 1;
  private published = 0;
  /** Sequence numbers per key in publish order, and those delivered at least once. */
  private readonly publishedByKey = new Map<string, number[]>();
  private readonly delivered = new Set<number>();
  private readonly acked = new Set<string>();

  constructor(readonly h: Harness) {}

  async apply(op: Op): Promise<void> {
    const who =
      this.consumers.length > 0
        ? this.consumers[('who' in op ? op.who : 0) % this.consumers.length]
        : undefined;
    switch (op.kind) {
      case 'publish':
        for (let i = 0; i < op.n; i++) await this.publish(KEYS[op.key]);
        break;
      case 'join':
        await this.join();
        break;
      case 'leave':
        if (who) this.leave(who);
        break;
      case 'flow':
        if (who) this.h.subscription().flow(who.consumer, op.permits);
        break;
      case 'ack':
        if (who) this.ack(who, this.pick(who, op.picks));
        break;
      case 'nack':
        if (who) this.nack(who, this.pick(who, op.picks));
        break;
    }
    await this.h.settle();
    this.collect();
    this.check();
  }

  async publish(key: string): Promise<void> {
    const seq = this.published++;
    await this.h.publish({ partition_key: key }, String(seq));
    const list = this.publishedByKey.get(key) ?? [];
    list.push(seq);
    this.publishedByKey.set(key, list);
  }

  async join(): Promise<void> {
    const id = this.nextId++;
    const conn = new TestConnection(this.h.broker);
    const consumer = await this.h.subscribe(conn, { consumerId: id, type: SubType.Key_Shared });
    this.consumers.push({ id, conn, consumer, pending: new Map(), seen: 0 });
  }

  leave(c: TestConsumer): void {
    this.h.subscription().removeConsumer(c.consumer);
    this.consumers.splice(this.consumers.indexOf(c), 1);
  }

  ack(c: TestConsumer, picks: Received[]): void {
    if (picks.length === 0) return;
    for (const r of picks) {
      c.pending.delete(posKey(r));
      this.acked.add(posKey(r));
    }
    this.h.subscription().ack(c.consumer, {
      consumer_id: c.id,
      ack_type: 0,
      message_id: picks.map((r) => ({ ledgerId: r.position.ledgerId, entryId: r.position.entryId })),
    });
  }

  nack(c: TestConsumer, picks: Received[]): void {
    if (picks.length === 0) return;
    for (const r of picks) c.pending.delete(posKey(r));
    this.h.subscription().redeliver(
      c.consumer,
      picks.map((r) => ({ ledgerId: r.position.ledgerId, entryId: r.position.entryId })),
    );
  }

  /** Takes in what each consumer received since the last step, checking per-key first-delivery order. */
  collect(): void {
    for (const c of this.consumers) {
      const all = c.conn.messagesOf(c.id);
      for (; c.seen < all.length; c.seen++) {
        const r = all[c.seen];
        expect(this.acked.has(posKey(r)), `acked entry ${posKey(r)} delivered again`).toBe(false);
        c.pending.set(posKey(r), r);
        const seq = seqOf(r);
        if (this.delivered.has(seq)) continue;
        // First delivery: every earlier message of the key must have gone out already.
        for (const earlier of this.publishedByKey.get(keyOf(r))!) {
          if (earlier >= seq) break;
          expect(this.delivered.has(earlier), `key ${keyOf(r)}: ${seq} delivered before ${earlier}`).toBe(
            true,
          );
        }
        this.delivered.add(seq);
      }
    }
  }

  /** No key is pending at two consumers; no consumer got more than its permits. */
  check(): void {
    const holder = new Map<string, number>();
    for (const c of this.consumers) {
      expect(c.consumer.permits).toBeGreaterThanOrEqual(0);
      for (const r of c.pending.values()) {
        const other = holder.get(keyOf(r));
        expect(
          other === undefined || other === c.id,
          `key ${keyOf(r)} pending at consumers ${other} and ${c.id}`,
        ).toBe(true);
        holder.set(keyOf(r), c.id);
      }
    }
  }

  /** Everyone acks everything and has permits: the subscription must empty. */
  async drain(): Promise<void> {
    if (this.consumers.length === 0) await this.join();
    for (let round = 0; round < 200 && this.h.subscription().backlog() > 0; round++) {
      for (const c of this.consumers) this.h.subscription().flow(c.consumer, 10);
      await this.h.settle();
      this.collect();
      this.check();
      for (const c of this.consumers) this.ack(c, [...c.pending.values()]);
      await this.h.settle();
      this.collect();
    }
    expect(this.h.subscription().backlog()).toBe(0);
    expect(this.delivered.size).toBe(this.published);
  }

  private pick(c: TestConsumer, picks: number[]): Received[] {
    const list = [...c.pending.values()];
    if (list.length === 0) return [];
    return [...new Set(picks.map((p) => list[p % list.length]))];
  }
}

describe('Key_Shared dispatcher (model-based)', () => {
  it('keeps each key at one consumer, delivers keys in order, and never stalls', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 5, maxLength: 45 }),
        fc.boolean(),
        async (ops, smallLookAhead) => {
          const h = await startHarness(
            smallLookAhead
              ? {
                  keySharedLookAheadMsgInReplayThresholdPerConsumer: 2,
                  keySharedLookAheadMsgInReplayThresholdPerSubscription: 5,
                }
              : {},
          );
          try {
            const run = new Run(h);
            await run.join();
            for (const op of ops) await run.apply(op);
            await run.drain();
          } finally {
            await h.close();
          }
        },
      ),
      { numRuns: 300 },
    );
  }, 60_000);
});
