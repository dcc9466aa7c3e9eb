import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckType, CommandType, ServerError, SubType } from '@magnetar/protocol';
import { ManualClock } from '@magnetar/server';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import {
  RawClient,
  createProducer,
  eventually,
  loaded,
  namespaceWith,
  receipt,
  send,
  subscribe,
} from './helpers.js';

// Time-based policies run on a ManualClock: the quota check (60 s), the hold timeout (30 s) and
// message expiry (5 min) happen when the test advances time, not after real waits.
const clock = new ManualClock(Date.now());
let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker({}, undefined, { clock, scheduler: clock });
});
afterAll(async () => {
  await b.destroy();
});

const sizeQuota = (policy: 'producer_request_hold' | 'producer_exception' | 'consumer_backlog_eviction') => ({
  limit: 40,
  limitSize: 40,
  limitTime: -1,
  policy,
});

/** A topic with a subscription and a producer that has stored `n` 30-byte messages (over a 40-byte quota). */
async function backlogged(topic: string, n: number) {
  const c = await RawClient.connected(b.port);
  expect((await subscribe(c, topic, 'slow', 1, SubType.Exclusive)).command.type).toBe(CommandType.SUCCESS);
  expect((await createProducer(c, topic, 1)).command.type).toBe(CommandType.PRODUCER_SUCCESS);
  for (let i = 0; i < n; i++) {
    send(c, 1, i, 'x'.repeat(30), clock.now());
    expect((await receipt(c, 1, i)).command.type).toBe(CommandType.SEND_RECEIPT);
  }
  return c;
}

/** After a short real wait, no receipt or error has come for producer 1's `seq`. */
async function noAnswerYet(c: RawClient, seq: number): Promise<void> {
  await new Promise((r) => setTimeout(r, 200));
  const answered = c.frames.some(
    (f) => f.command.send_receipt?.sequence_id === seq || f.command.send_error?.sequence_id === seq,
  );
  expect(answered).toBe(false);
}

describe('backlog quotas', () => {
  it('producer_exception: refuses new producers and closes connected ones at the periodic check', async () => {
    await namespaceWith(b, 'public/q-exc', (p) => {
      p.backlog_quota_map.destination_storage = sizeQuota('producer_exception');
    });
    const topic = 'persistent://public/q-exc/t';
    const c = await backlogged(topic, 3);
    const refused = await createProducer(c, topic, 2);
    expect(refused.command.error?.error).toBe(ServerError.ProducerBlockedQuotaExceededException);
    clock.advance(60_000);
    const closed = await c.next((f) => f.command.type === CommandType.CLOSE_PRODUCER);
    expect(closed.command.close_producer!.producer_id).toBe(1);
    expect(loaded(b, topic).producers.size).toBe(0);
    c.close();
  });

  it('producer_request_hold: holds SENDs until the backlog drops, fails them after the hold timeout', async () => {
    await namespaceWith(b, 'public/q-hold', (p) => {
      p.backlog_quota_map.destination_storage = sizeQuota('producer_request_hold');
    });
    const topic = 'persistent://public/q-hold/t';
    const c = await backlogged(topic, 3);
    clock.advance(60_000);
    await eventually(() => loaded(b, topic).policy.quotaHold.holding);
    expect((await createProducer(c, topic, 2)).command.error?.error).toBe(
      ServerError.ProducerBlockedQuotaExceededError,
    );

    send(c, 1, 10, 'held', clock.now());
    await noAnswerYet(c, 10);
    clock.advance(30_000);
    const failed = await receipt(c, 1, 10);
    expect(failed.command.send_error?.error).toBe(ServerError.ProducerBlockedQuotaExceededError);

    send(c, 1, 11, 'held-then-released', clock.now());
    await noAnswerYet(c, 11);
    // The consumer catches up: everything up to the last stored message is acknowledged.
    const topicNow = loaded(b, topic);
    const last = topicNow.ledger.lastConfirmed()!;
    c.send({
      type: CommandType.ACK,
      ack: { consumer_id: 1, ack_type: AckType.Cumulative, message_id: [last] },
    });
    await eventually(() => topicNow.subscriptions.get('slow')!.backlog() === 0);
    clock.advance(1000);
    expect((await receipt(c, 1, 11)).command.type).toBe(CommandType.SEND_RECEIPT);
    expect(topicNow.policy.quotaHold.holding).toBe(false);
    c.close();
  });

  it('consumer_backlog_eviction: moves the slow subscription forward until the quota holds', async () => {
    await namespaceWith(b, 'public/q-evict', (p) => {
      p.backlog_quota_map.destination_storage = sizeQuota('consumer_backlog_eviction');
    });
    const topic = 'persistent://public/q-evict/t';
    const c = await backlogged(topic, 5);
    const sub = loaded(b, topic).subscriptions.get('slow')!;
    expect(sub.backlog()).toBe(5);
    clock.advance(60_000);
    await eventually(() => sub.backlog() < 5);
    // Each stored entry is over 30 bytes, so at most one fits in 40.
    expect(sub.backlog()).toBeLessThanOrEqual(1);
    c.close();
  });

  it('message_age: a quota on the oldest unacknowledged message, applied when set on a loaded topic', async () => {
    await namespaceWith(b, 'public/q-age', () => {});
    const topic = 'persistent://public/q-age/t';
    const c = await backlogged(topic, 2);
    await b.resources.namespaces.update('public/q-age', (p) => {
      p.backlog_quota_map.message_age = {
        limit: -1,
        limitSize: -1,
        limitTime: 30,
        policy: 'consumer_backlog_eviction',
      };
    });
    const t = loaded(b, topic);
    await eventually(() => t.policy.effective?.backlogQuotas.message_age?.limitTime === 30);
    clock.advance(60_000);
    await eventually(() => t.subscriptions.get('slow')!.backlog() === 0);
    c.close();
  });
});

describe('message TTL', () => {
  it('moves every subscription past messages older than the TTL at the expiry check', async () => {
    await namespaceWith(b, 'public/ttl', () => {});
    const topic = 'persistent://public/ttl/t';
    const c = await backlogged(topic, 3);
    expect((await subscribe(c, topic, 'other', 2)).command.type).toBe(CommandType.SUCCESS);
    const t = loaded(b, topic);
    // Set after the topic is loaded: the change reaches it through the policy watch.
    await b.resources.namespaces.update('public/ttl', (p) => {
      p.message_ttl_in_seconds = 120;
    });
    await eventually(() => t.policy.effective?.messageTtlSeconds === 120);
    clock.advance(60_000); // younger than the TTL: nothing expires yet, whenever the check runs
    await new Promise((r) => setTimeout(r, 50));
    expect(t.subscriptions.get('slow')!.backlog()).toBe(3);
    // Published "in the future" as far as this test goes: it stays younger than the TTL.
    send(c, 1, 3, 'young', clock.now() + 3_600_000);
    await receipt(c, 1, 3);
    clock.advance(10 * 60_000); // at least one 5-minute expiry check runs past the TTL
    await eventually(() => t.subscriptions.get('slow')!.backlog() === 1);
    expect(t.subscriptions.get('other')!.backlog()).toBe(1);
    c.close();
  });
});
