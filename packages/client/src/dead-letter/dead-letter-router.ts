import { randomBytes } from 'node:crypto';
import type { ClientContext } from '../client-context.js';
import type { Message } from '../consumer/message.js';
import { deadLetterProperties } from './letter-properties.js';
import { LetterProducer } from './letter-producer.js';
import { DLQ_TOPIC_SUFFIX, letterTopicName, type ResolvedDeadLetterPolicy } from './policy.js';

/**
 * Moves messages to the dead-letter topic. It decides by the redelivery count the broker sent with
 * the message (CommandMessage.redelivery_count), which the broker raises only when the message is
 * negatively acknowledged or its ack timeout expires, never when a consumer merely disconnects.
 * One producer per dead-letter topic, named `<topic>-<subscription>-<consumer>-<5 random>-DLQ`
 * like the Go client's, so that two consumers of one subscription never collide.
 */
export class DeadLetterRouter {
  private readonly producers = new Map<string, LetterProducer>();

  constructor(
    private readonly ctx: ClientContext,
    private readonly policy: ResolvedDeadLetterPolicy,
    private readonly subscription: string,
    private readonly consumerName: string,
  ) {}

  get maxRedeliverCount(): number {
    return this.policy.maxRedeliverCount;
  }

  /** True when the application has already had the message maxRedeliverCount times. */
  shouldDeadLetter(msg: Message): boolean {
    return msg.getRedeliveryCount() >= this.policy.maxRedeliverCount;
  }

  /** Publishes `msg` (same payload, keys, event time) to its dead-letter topic. */
  async publish(msg: Message, properties: Record<string, string> = deadLetterProperties(msg)): Promise<void> {
    const producer = this.producerFor(msg.getTopicName());
    const orderingKey = msg.getOrderingKey();
    await producer.send({
      data: msg.getData(),
      properties,
      ...(msg.getPartitionKey() !== undefined ? { partitionKey: msg.getPartitionKey() } : {}),
      ...(orderingKey !== undefined ? { orderingKey } : {}),
      ...(msg.getEventTimestamp() > 0 ? { eventTimestamp: msg.getEventTimestamp() } : {}),
    });
  }

  /** The dead-letter topic for messages consumed from `sourceTopic`. */
  topicFor(sourceTopic: string): string {
    return this.policy.deadLetterTopic ?? letterTopicName(sourceTopic, this.subscription, DLQ_TOPIC_SUFFIX);
  }

  private producerFor(sourceTopic: string): LetterProducer {
    const topic = this.topicFor(sourceTopic);
    let p = this.producers.get(topic);
    if (!p) {
      const base = sourceTopic.replace(/-partition-\d+$/, '');
      const suffix = randomBytes(4).toString('base64url').slice(0, 5);
      p = new LetterProducer(this.ctx, {
        topic,
        producerName: `${base}-${this.subscription}-${this.consumerName}-${suffix}-DLQ`,
        initialSubscriptionName: this.policy.initialSubscriptionName,
      });
      this.producers.set(topic, p);
    }
    return p;
  }

  async close(): Promise<void> {
    await Promise.all([...this.producers.values()].map((p) => p.close()));
  }
}
