import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SubType } from '@magnetar/protocol';
import { defaultConfig } from '../../../config/schema.js';
import { createLogger } from '../../../logging.js';
import { ManualClock } from '../../../util/clock.js';
import type { BrokerService } from '../../broker-service.js';
import type { ServerConnection } from '../../connection/server-connection.js';
import type { Consumer } from '../../subscription/consumer.js';
import { Producer } from '../producer.js';
import { NonPersistentTopic } from './non-persistent-topic.js';

// The non-persistent dispatch rules as a state machine: consumers come and go, get permits, their
// sockets fill up; every published message goes to exactly one consumer that can take it now (the
// one the subscription type picks) or is dropped and counted — never both, never queued.

const broker = {
  log: createLogger({ level: 'silent' }),
  clock: new ManualClock(0),
  config: defaultConfig(),
} as unknown as BrokerService;

/** A connection that accepts every write unless told its socket is full. */
function connection(): ServerConnection & { full: boolean } {
  const c = {
    broker,
    protocolVersion: 20,
    full: false,
    consumers: new Map(),
    producers: new Map(),
    send: () => undefined,
    wakeOnDrain: () => undefined,
    out: {
      get writable() {
        return !c.full;
      },
      write: () => true,
    },
  };
  return c as unknown as ServerConnection & { full: boolean };
}

type Op =
  | { op: 'join'; priority: number }
  | { op: 'leave'; which: number }
  | { op: 'flow'; which: number; permits: number }
  | { op: 'full'; which: number; full: boolean }
  | { op: 'publish'; messages: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('join' as const), priority: fc.integer({ min: 0, max: 1 }) }),
  fc.record({ op: fc.constant('leave' as const), which: fc.nat(5) }),
  fc.record({ op: fc.constant('flow' as const), which: fc.nat(5), permits: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ op: fc.constant('full' as const), which: fc.nat(5), full: fc.boolean() }),
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('publish' as const), messages: fc.integer({ min: 1, max: 3 }) }),
  },
);

function run(subType: number, ops: Op[]): void {
  const topic = new NonPersistentTopic('non-persistent://public/default/sm', broker, 7);
  const producer = new Producer(topic, connection(), 1, 'p', 'Shared', true);
  const live: { c: Consumer; conn: ServerConnection & { full: boolean }; name: string }[] = [];
  let names = 0;
  for (const o of ops) {
    if (o.op === 'join') {
      const conn = connection();
      const name = `c${names++}`;
      try {
        const c = topic.subscribe(conn, {
          subscription: 's',
          durable: true,
          initialPosition: 0,
          consumerId: names,
          consumerName: name,
          priorityLevel: o.priority,
          subType,
          metadata: {},
        });
        live.push({ c, conn, name });
      } catch {
        // Exclusive: a second consumer is refused, and nothing changes.
        expect(subType).toBe(SubType.Exclusive);
        expect(live.length).toBe(1);
      }
    } else if (live.length === 0) {
      if (o.op === 'publish') void topic.publish(producer, Buffer.alloc(8), o.messages);
    } else if (o.op === 'leave') {
      const [gone] = live.splice(o.which % live.length, 1);
      gone.c.subscription.removeConsumer(gone.c);
    } else if (o.op === 'flow') {
      const x = live[o.which % live.length];
      x.c.subscription.flow(x.c, o.permits);
    } else if (o.op === 'full') {
      live[o.which % live.length].conn.full = o.full;
    } else {
      const sub = topic.subscriptions.get('s')!;
      const before = live.map((x) => ({
        out: x.c.msgOutCounter,
        permits: x.c.permits,
        canTake: x.c.canTake,
      }));
      const dropped = sub.droppedMessages;
      void topic.publish(producer, Buffer.alloc(8), o.messages);
      const got = live.map((x, i) => x.c.msgOutCounter - before[i].out);
      const receivers = got.flatMap((n, i) => (n > 0 ? [i] : []));
      expect(receivers.length).toBeLessThanOrEqual(1);
      const expected = expectedReceiver(live, before);
      if (expected === undefined) {
        expect(receivers).toEqual([]);
        expect(sub.droppedMessages).toBe(dropped + o.messages);
      } else {
        expect(receivers).toEqual([expected]);
        expect(got[expected]).toBe(o.messages);
        expect(live[expected].c.permits).toBe(before[expected].permits - o.messages);
        expect(sub.droppedMessages).toBe(dropped);
      }
    }
  }
  // Nothing delivered beyond what was published, nothing retained.
  const sub = topic.subscriptions.get('s');
  if (sub) expect(sub.backlog()).toBe(0);
}

/** Exclusive and Failover: the active consumer (priority, then name) if it can take the message. */
function expectedReceiver(
  live: { name: string; c: Consumer }[],
  before: { canTake: boolean }[],
): number | undefined {
  const order = live
    .map((x, i) => i)
    .sort(
      (a, b) => live[a].c.priorityLevel - live[b].c.priorityLevel || (live[a].name < live[b].name ? -1 : 1),
    );
  const active = order[0];
  return before[active].canTake ? active : undefined;
}

describe('non-persistent dispatch', () => {
  for (const [name, type] of [
    ['Exclusive', SubType.Exclusive],
    ['Failover', SubType.Failover],
  ] as const) {
    it(`${name}: the active consumer gets a message only while it can take it, else it is dropped`, () => {
      fc.assert(fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => run(type, ops)));
    });
  }

  it('Shared: a message goes to one consumer of the best level that can take it, or is dropped', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => runShared(ops)));
  });
});

/**
 * Shared: the receiver is one of the able consumers of the best priority level (which one depends
 * on the round-robin position, so only the level and the drop rule are checked).
 */
function runShared(ops: Op[]): void {
  const topic = new NonPersistentTopic('non-persistent://public/default/sm-shared', broker, 8);
  const producer = new Producer(topic, connection(), 1, 'p', 'Shared', true);
  const live: { c: Consumer; conn: ServerConnection & { full: boolean } }[] = [];
  let ids = 0;
  for (const o of ops) {
    if (o.op === 'join') {
      const conn = connection();
      const c = topic.subscribe(conn, {
        subscription: 's',
        durable: true,
        initialPosition: 0,
        consumerId: ++ids,
        consumerName: `c${ids}`,
        priorityLevel: o.priority,
        subType: SubType.Shared,
        metadata: {},
      });
      live.push({ c, conn });
    } else if (live.length === 0) {
      continue;
    } else if (o.op === 'leave') {
      const [gone] = live.splice(o.which % live.length, 1);
      gone.c.subscription.removeConsumer(gone.c);
    } else if (o.op === 'flow') {
      const x = live[o.which % live.length];
      x.c.subscription.flow(x.c, o.permits);
    } else if (o.op === 'full') {
      live[o.which % live.length].conn.full = o.full;
    } else {
      const sub = topic.subscriptions.get('s')!;
      const able = live.flatMap((x, i) => (x.c.canTake ? [i] : []));
      const best = able.length ? Math.min(...able.map((i) => live[i].c.priorityLevel)) : -1;
      const outs = live.map((x) => x.c.msgOutCounter);
      const dropped = sub.droppedMessages;
      void topic.publish(producer, Buffer.alloc(8), o.messages);
      const receivers = live.flatMap((x, i) => (x.c.msgOutCounter > outs[i] ? [i] : []));
      if (able.length === 0) {
        expect(receivers).toEqual([]);
        expect(sub.droppedMessages).toBe(dropped + o.messages);
      } else {
        expect(receivers).toHaveLength(1);
        expect(able).toContain(receivers[0]);
        expect(live[receivers[0]].c.priorityLevel).toBe(best);
        expect(sub.droppedMessages).toBe(dropped);
      }
    }
  }
}
