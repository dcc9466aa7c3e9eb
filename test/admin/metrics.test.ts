// GET /metrics against a live broker with real producers and consumers, read with a strict
// Prometheus text parser: topic and subscription series (Pulsar's names, the delayed-delivery ones
// included) and Magnetar's in-flight age gauge.
import { SubType } from '@magnetar/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { findSamples, parsePrometheus, type Exposition } from '../helpers/prometheus.js';
import { RawClient } from '../helpers/raw-client.js';
import { api, type Api } from './http.js';
import { flow, freshTopic, nextMessage, rawProducer, rawSubscribe, send, until } from './topics-helpers.js';

let broker: TestBroker;
let a: Api;
const clients: RawClient[] = [];

beforeAll(async () => {
  broker = await startTestBroker();
  a = api(broker.webServiceUrl);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await broker?.destroy();
});

async function scrape(): Promise<Exposition> {
  const res = await fetch(`${broker.webServiceUrl}/metrics`);
  expect(res.status).toBe(200);
  return parsePrometheus(await res.text());
}

function value(e: Exposition, name: string, labels: Record<string, string>): number | undefined {
  const found = findSamples(e.samples, name, labels);
  expect(found.length, `${name} ${JSON.stringify(labels)}`).toBeLessThanOrEqual(1);
  return found[0]?.value;
}

describe('/metrics for a live topic', () => {
  it('exposes topic and subscription series, delayed counts and the oldest unacked age', async () => {
    const t = freshTopic('metrics');
    const p = await rawProducer(broker.port, t.name);
    clients.push(p);
    const c = await RawClient.connected(broker.port);
    clients.push(c);
    await rawSubscribe(c, t.name, 'work', 1, SubType.Shared);
    await send(p, 'now-1');
    await send(p, 'now-2');
    await send(p, 'tomorrow', { deliver_at_time: Date.now() + 86_400_000 });
    flow(c, 1, 10);
    await nextMessage(c, 1);
    await nextMessage(c, 1);
    await until(async () => {
      const e = await scrape();
      return value(e, 'pulsar_subscription_delayed', { topic: t.name, subscription: 'work' }) === 1;
    }, 'the delayed message in /metrics');
    // Let the two delivered messages age measurably.
    await new Promise((r) => setTimeout(r, 30));

    const e = await scrape();
    const topic = { cluster: 'standalone', namespace: 'public/default', topic: t.name };
    const sub = { ...topic, subscription: 'work' };
    expect(e.types.get('pulsar_subscription_delayed')).toBe('gauge');
    expect(value(e, 'pulsar_in_messages_total', topic)).toBe(3);
    expect(value(e, 'pulsar_producers_count', topic)).toBe(1);
    expect(value(e, 'pulsar_subscriptions_count', topic)).toBe(1);
    expect(value(e, 'pulsar_msg_backlog', topic)).toBe(3);
    expect(value(e, 'pulsar_storage_backlog_size', topic)).toBe(value(e, 'pulsar_storage_size', topic));
    expect(value(e, 'pulsar_delayed_message_index_size_bytes', topic)).toBeGreaterThan(0);
    expect(value(e, 'pulsar_subscription_back_log', sub)).toBe(3);
    expect(value(e, 'pulsar_subscription_delayed', sub)).toBe(1);
    expect(value(e, 'pulsar_subscription_back_log_no_delayed', sub)).toBe(2);
    expect(value(e, 'pulsar_subscription_unacked_messages', sub)).toBe(2);
    expect(value(e, 'pulsar_subscription_consumers_count', sub)).toBe(1);
    const age = value(e, 'magnetar_subscription_oldest_unacked_age_seconds', sub)!;
    expect(age).toBeGreaterThanOrEqual(0.03);
    expect(age).toBeLessThan(60);
    expect(
      value(e, 'pulsar_topics_count', { cluster: 'standalone', namespace: 'public/default' }),
    ).toBeGreaterThan(0);
  });

  it('drops the series of an unloaded topic and of a deleted one', async () => {
    const t = freshTopic('metrics-gone');
    const p = await rawProducer(broker.port, t.name);
    clients.push(p);
    await send(p, 'x');
    await a.put(`${t.path}/subscription/s`);
    const labels = { topic: t.name };
    expect(value(await scrape(), 'pulsar_in_messages_total', labels)).toBe(1);
    expect((await a.put(`${t.path}/unload`)).status).toBe(204);
    expect(value(await scrape(), 'pulsar_in_messages_total', labels)).toBeUndefined();
    // Loaded again by an admin read, then deleted.
    expect((await a.get(`${t.path}/stats`)).status).toBe(200);
    expect(value(await scrape(), 'pulsar_subscription_back_log', { ...labels, subscription: 's' })).toBe(0);
    expect((await a.delete(`${t.path}?force=true`)).status).toBe(204);
    const e = await scrape();
    expect(findSamples(e.samples, 'pulsar_subscription_back_log', labels)).toEqual([]);
    expect(findSamples(e.samples, 'pulsar_storage_size', labels)).toEqual([]);
  });
});
