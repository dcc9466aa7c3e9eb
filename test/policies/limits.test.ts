import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandType, ServerError } from '@magnetar/protocol';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient, createProducer, eventually, loaded, namespaceWith, subscribe } from './helpers.js';

let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => {
  await b.destroy();
});

describe('max producers and consumers', () => {
  it('refuses producers past maxProducersPerTopic with ProducerBusy, and follows a policy change live', async () => {
    await namespaceWith(b, 'public/lim-p', (p) => {
      p.max_producers_per_topic = 1;
    });
    const topic = 'persistent://public/lim-p/t';
    const c = await RawClient.connected(b.port);
    expect((await createProducer(c, topic, 1)).command.type).toBe(CommandType.PRODUCER_SUCCESS);
    const refused = await createProducer(c, topic, 2);
    expect(refused.command.error).toMatchObject({
      error: ServerError.ProducerBusy,
      message: 'Topic reached max producers limit',
    });
    await b.resources.namespaces.update('public/lim-p', (p) => {
      p.max_producers_per_topic = 2;
    });
    await eventually(() => loaded(b, topic).policy.effective?.maxProducersPerTopic === 2);
    expect((await createProducer(c, topic, 3)).command.type).toBe(CommandType.PRODUCER_SUCCESS);
    // 0 means no limit.
    await b.resources.namespaces.update('public/lim-p', (p) => {
      p.max_producers_per_topic = 0;
    });
    await eventually(() => loaded(b, topic).policy.effective?.maxProducersPerTopic === 0);
    expect((await createProducer(c, topic, 4)).command.type).toBe(CommandType.PRODUCER_SUCCESS);
    c.close();
  });

  it('refuses consumers past maxConsumersPerSubscription and maxConsumersPerTopic with ConsumerBusy', async () => {
    await namespaceWith(b, 'public/lim-c', (p) => {
      p.max_consumers_per_subscription = 1;
      p.max_consumers_per_topic = 2;
    });
    const topic = 'persistent://public/lim-c/t';
    const c = await RawClient.connected(b.port);
    expect((await subscribe(c, topic, 's1', 1)).command.type).toBe(CommandType.SUCCESS);
    expect((await subscribe(c, topic, 's1', 2)).command.error).toMatchObject({
      error: ServerError.ConsumerBusy,
      message: 'Subscription reached max consumers limit',
    });
    expect((await subscribe(c, topic, 's2', 3)).command.type).toBe(CommandType.SUCCESS);
    expect((await subscribe(c, topic, 's3', 4)).command.error).toMatchObject({
      error: ServerError.ConsumerBusy,
      message: 'Topic reached max consumers limit',
    });
    await b.resources.namespaces.update('public/lim-c', (p) => {
      delete p.max_consumers_per_subscription;
      p.max_consumers_per_topic = 3;
    });
    expect((await subscribe(c, topic, 's1', 5)).command.type).toBe(CommandType.SUCCESS);
    c.close();
  });
});

describe('topic-level policies over REST', () => {
  const base = (topic: string) => `${b.webServiceUrl}/admin/v2/persistent/public/default/${topic}`;
  const post = (url: string, body: unknown) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('overrides the namespace value, reads back, and stops applying once deleted', async () => {
    const topic = 'persistent://public/default/topic-level';
    const c = await RawClient.connected(b.port);
    expect((await createProducer(c, topic, 1)).command.type).toBe(CommandType.PRODUCER_SUCCESS);
    expect((await post(`${base('topic-level')}/maxProducers`, 1)).status).toBe(204);
    const got = await fetch(`${base('topic-level')}/maxProducers`);
    expect(await got.json()).toBe(1);
    await eventually(() => loaded(b, topic).policy.effective?.maxProducersPerTopic === 1);
    expect((await createProducer(c, topic, 2)).command.error?.error).toBe(ServerError.ProducerBusy);
    // The namespace keeps its own (unset) value.
    expect(
      (await fetch(`${b.webServiceUrl}/admin/v2/namespaces/public/default/maxProducersPerTopic`)).status,
    ).toBe(204);

    expect((await fetch(`${base('topic-level')}/maxProducers`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${base('topic-level')}/maxProducers`)).status).toBe(204);
    await eventually(() => loaded(b, topic).policy.effective?.maxProducersPerTopic === 0);
    expect((await createProducer(c, topic, 3)).command.type).toBe(CommandType.PRODUCER_SUCCESS);
    c.close();
  });

  it('stores each policy of the list under the topic and merges it into the effective view', async () => {
    const topic = 'persistent://public/default/topic-level-all';
    const c = await RawClient.connected(b.port);
    await createProducer(c, topic, 1);
    const url = base('topic-level-all');
    expect((await fetch(`${url}/messageTTL?messageTTL=120`, { method: 'POST' })).status).toBe(204);
    expect(
      (await post(`${url}/retention`, { retentionTimeInMinutes: 60, retentionSizeInMB: 10 })).status,
    ).toBe(204);
    const quota = { limit: 1000, limitSize: 1000, limitTime: -1, policy: 'consumer_backlog_eviction' };
    expect((await post(`${url}/backlogQuota`, quota)).status).toBe(204);
    expect((await post(`${url}/maxConsumers`, 7)).status).toBe(204);
    expect((await post(`${url}/maxConsumersPerSubscription`, 3)).status).toBe(204);
    const publishRate = { publishThrottlingRateInMsg: 100, publishThrottlingRateInByte: -1 };
    expect((await post(`${url}/publishRate`, publishRate)).status).toBe(204);
    const dispatchRate = {
      dispatchThrottlingRateInMsg: 50,
      dispatchThrottlingRateInByte: -1,
      relativeToPublishRate: false,
      ratePeriodInSecond: 1,
    };
    expect((await post(`${url}/dispatchRate`, dispatchRate)).status).toBe(204);
    expect((await post(`${url}/deduplicationEnabled`, true)).status).toBe(204);

    expect(await (await fetch(`${url}/messageTTL`)).json()).toBe(120);
    expect(await (await fetch(`${url}/backlogQuotaMap`)).json()).toEqual({ destination_storage: quota });
    const e = await b.policies.effectivePolicies(topic);
    expect(e).toMatchObject({
      messageTtlSeconds: 120,
      retention: { retentionTimeInMinutes: 60, retentionSizeInMB: 10 },
      maxConsumersPerTopic: 7,
      maxConsumersPerSubscription: 3,
      publishRate,
      dispatchRate,
      deduplicationEnabled: true,
    });
    expect(e!.backlogQuotas.destination_storage).toEqual(quota);
    await eventually(() => loaded(b, topic).dedup.enabled === true);
    c.close();
  });

  it('answers 404 for a topic that does not exist', async () => {
    expect((await post(`${base('no-such-topic')}/maxProducers`, 1)).status).toBe(404);
  });
});
