// exposeTopicLevelMetricsInPrometheus and exposeConsumerLevelMetricsInPrometheus, each combination
// scraped from a live broker with one producer and one consumer, read with the strict parser.
import { SubType } from '@magnetar/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { findSamples, parsePrometheus, type Exposition } from '../helpers/prometheus.js';
import { RawClient } from '../helpers/raw-client.js';
import { flow, freshTopic, nextMessage, rawProducer, rawSubscribe, send } from './topics-helpers.js';

const CONSUMER_SERIES = [
  'pulsar_consumer_msg_rate_out',
  'pulsar_consumer_msg_throughput_out',
  'pulsar_consumer_msg_rate_redeliver',
  'pulsar_consumer_unacked_messages',
  'pulsar_consumer_blocked_on_unacked_messages',
  'pulsar_consumer_available_permits',
];
const TOPIC_SERIES = [
  'pulsar_rate_in',
  'pulsar_in_messages_total',
  'pulsar_msg_backlog',
  'pulsar_producers_count',
];
const SUBSCRIPTION_SERIES = [
  'pulsar_subscription_back_log',
  'pulsar_subscription_unacked_messages',
  'pulsar_subscription_consumers_count',
  'pulsar_subscription_blocked_on_unacked_messages',
];
const NS = { cluster: 'standalone', namespace: 'public/default' };

let broker: TestBroker | undefined;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await broker?.destroy();
  broker = undefined;
});

/**
 * Two topics in public/default, each with 3 messages published, one consumer ("reader", id 7)
 * subscribed to the first with 10 permits that has received 2 of them and acknowledged none.
 */
async function scrapeWithTraffic(topicLevel: boolean, consumerLevel: boolean) {
  broker = await startTestBroker({
    exposeTopicLevelMetricsInPrometheus: topicLevel,
    exposeConsumerLevelMetricsInPrometheus: consumerLevel,
  });
  const [first, second] = [freshTopic('levels-a'), freshTopic('levels-b')];
  const c = await RawClient.connected(broker.port);
  clients.push(c);
  await rawSubscribe(c, first.name, 'work', 7, SubType.Shared, 'reader');
  for (const t of [first, second]) {
    const p = await rawProducer(broker.port, t.name);
    clients.push(p);
    for (const m of ['a', 'b', 'c']) await send(p, m);
  }
  flow(c, 7, 2);
  await nextMessage(c, 7);
  await nextMessage(c, 7);
  const res = await fetch(`${broker.webServiceUrl}/metrics`);
  expect(res.status).toBe(200);
  return { e: parsePrometheus(await res.text()), first, second };
}

function one(e: Exposition, name: string, labels: Record<string, string>): number {
  const found = findSamples(e.samples, name, labels);
  expect(found, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  return found[0]!.value;
}

/** The label names every sample of `name` carries, sorted. */
function labelSets(e: Exposition, name: string): string[] {
  return [...new Set(findSamples(e.samples, name).map((s) => Object.keys(s.labels).sort().join(',')))];
}

describe('exposeTopicLevelMetricsInPrometheus=true (default)', () => {
  it('without consumer level: topic and subscription labels, no consumer series', async () => {
    const { e, first, second } = await scrapeWithTraffic(true, false);
    for (const name of TOPIC_SERIES) expect(labelSets(e, name), name).toEqual(['cluster,namespace,topic']);
    for (const name of SUBSCRIPTION_SERIES) {
      expect(labelSets(e, name), name).toEqual(['cluster,namespace,subscription,topic']);
    }
    expect(one(e, 'pulsar_in_messages_total', { ...NS, topic: first.name })).toBe(3);
    expect(one(e, 'pulsar_in_messages_total', { ...NS, topic: second.name })).toBe(3);
    expect(one(e, 'pulsar_subscription_unacked_messages', { topic: first.name, subscription: 'work' })).toBe(
      2,
    );
    for (const name of CONSUMER_SERIES) expect(findSamples(e.samples, name), name).toEqual([]);
    expect(e.samples.some((s) => s.name.startsWith('pulsar_consumer_'))).toBe(false);
  });

  it('with consumer level: one series per consumer with its name and id', async () => {
    const { e, first } = await scrapeWithTraffic(true, true);
    const consumer = {
      ...NS,
      topic: first.name,
      subscription: 'work',
      consumer_name: 'reader',
      consumer_id: '7',
    };
    for (const name of CONSUMER_SERIES) {
      expect(labelSets(e, name), name).toEqual([
        'cluster,consumer_id,consumer_name,namespace,subscription,topic',
      ]);
      expect(e.types.get(name), name).toBe('gauge');
      one(e, name, consumer);
    }
    expect(one(e, 'pulsar_consumer_unacked_messages', consumer)).toBe(2);
    expect(one(e, 'pulsar_consumer_available_permits', consumer)).toBe(0);
    expect(one(e, 'pulsar_consumer_blocked_on_unacked_messages', consumer)).toBe(0);
    // Topic and subscription series stay as they are.
    expect(one(e, 'pulsar_subscription_consumers_count', { topic: first.name, subscription: 'work' })).toBe(
      1,
    );
  });
});

describe('exposeTopicLevelMetricsInPrometheus=false', () => {
  for (const consumerLevel of [false, true]) {
    it(`sums topics and subscriptions per namespace (consumer level ${consumerLevel})`, async () => {
      const { e, first, second } = await scrapeWithTraffic(false, consumerLevel);
      for (const name of [...TOPIC_SERIES, ...SUBSCRIPTION_SERIES, 'pulsar_topics_count']) {
        expect(labelSets(e, name), name).toEqual(['cluster,namespace']);
      }
      for (const t of [first, second]) {
        expect(e.samples.filter((s) => Object.values(s.labels).includes(t.name))).toEqual([]);
      }
      // A fresh broker: its only topics are this test's two.
      expect(one(e, 'pulsar_topics_count', NS)).toBe(2);
      expect(one(e, 'pulsar_in_messages_total', NS)).toBe(6);
      expect(one(e, 'pulsar_producers_count', NS)).toBe(2);
      expect(one(e, 'pulsar_subscriptions_count', NS)).toBe(1);
      expect(one(e, 'pulsar_subscription_unacked_messages', NS)).toBe(2);
      expect(one(e, 'pulsar_subscription_back_log', NS)).toBe(3);
      expect(one(e, 'pulsar_subscription_consumers_count', NS)).toBe(1);
      // Pulsar prints consumer series from per-topic stats only: none at namespace level.
      expect(e.samples.some((s) => s.name.startsWith('pulsar_consumer_'))).toBe(false);
    });
  }
});
