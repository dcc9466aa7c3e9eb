import { describe, expect, it } from 'vitest';
import { Message } from '../consumer/message.js';
import { MessageId } from '../message-id.js';
import { deadLetterProperties, retryProperties } from './letter-properties.js';
import { letterTopicName, resolveDeadLetterPolicy } from './policy.js';

function message(props: Record<string, string>, topic = 'persistent://public/default/t'): Message {
  return new Message({
    topic,
    id: new MessageId(7, 3, -1, -1),
    data: Buffer.from('x'),
    properties: Object.entries(props).map(([key, value]) => ({ key, value })),
    partitionKey: undefined,
    orderingKey: undefined,
    publishTime: 0,
    eventTime: 0,
    redeliveryCount: 0,
    producerName: 'p',
  });
}

describe('dead-letter policy', () => {
  it('names the topics <topic>-<subscription>-DLQ and -RETRY after the full topic name', () => {
    expect(letterTopicName('orders', 'billing', '-DLQ')).toBe(
      'persistent://public/default/orders-billing-DLQ',
    );
    expect(letterTopicName('persistent://t/n/o-partition-3', 's', '-RETRY')).toBe(
      'persistent://t/n/o-s-RETRY',
    );
    expect(resolveDeadLetterPolicy('orders', 's', undefined, true)).toEqual({
      maxRedeliverCount: 16,
      deadLetterTopic: 'persistent://public/default/orders-s-DLQ',
      retryLetterTopic: 'persistent://public/default/orders-s-RETRY',
      initialSubscriptionName: undefined,
    });
    // Without retry, the dead-letter topic is left to be chosen per source topic.
    expect(
      resolveDeadLetterPolicy('orders', 's', { maxRedeliverCount: 3 }, false)?.deadLetterTopic,
    ).toBeUndefined();
    expect(resolveDeadLetterPolicy('orders', 's', undefined, false)).toBeUndefined();
    expect(() => resolveDeadLetterPolicy('o', 's', { maxRedeliverCount: 0 }, false)).toThrow(
      /maxRedeliverCount/,
    );
    expect(() => resolveDeadLetterPolicy(undefined, 's', undefined, true)).toThrow(/retryEnable/);
  });

  it('adds REAL_TOPIC and ORIGIN_MESSAGE_ID to a dead letter unless it carries them already', () => {
    expect(deadLetterProperties(message({ a: '1' }))).toEqual({
      a: '1',
      REAL_TOPIC: 'persistent://public/default/t',
      ORIGIN_MESSAGE_ID: '7:3:-1:-1',
    });
    const retried = message({ REAL_TOPIC: 'first', ORIGIN_MESSAGE_ID: '1:1:-1:-1' }, 'retry-topic');
    expect(deadLetterProperties(retried)).toMatchObject({
      REAL_TOPIC: 'first',
      ORIGIN_MESSAGE_ID: '1:1:-1:-1',
    });
  });

  it('counts trips through the retry topic in RECONSUMETIMES', () => {
    const first = retryProperties(message({ a: '1' }), 1500, 'R');
    expect(first).toEqual({
      reconsumeTimes: 1,
      properties: {
        a: '1',
        REAL_TOPIC: 'persistent://public/default/t',
        ORIGIN_MESSAGE_ID: '7:3:-1:-1',
        RECONSUMETIMES: '1',
        DELAY_TIME: '1500',
        RETRY_TOPIC: 'R',
      },
    });
    const again = retryProperties(message(first.properties, 'R'), 10, 'R');
    expect(again.reconsumeTimes).toBe(2);
    expect(again.properties).toMatchObject({ REAL_TOPIC: 'persistent://public/default/t', DELAY_TIME: '10' });
  });
});
