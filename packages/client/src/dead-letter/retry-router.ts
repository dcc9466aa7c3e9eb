import type { ClientContext } from '../client-context.js';
import type { Message } from '../consumer/message.js';
import type { DeadLetterRouter } from './dead-letter-router.js';
import { retryProperties } from './letter-properties.js';
import { LetterProducer } from './letter-producer.js';

/**
 * `reconsumeLater` (PIP-58 retry topic): republishes a message to the retry topic, which the
 * consumer also subscribes to, delayed by deliverAfter, counting the trips in RECONSUMETIMES. Once
 * that count exceeds maxRedeliverCount the message goes to the dead-letter topic instead. The
 * caller acknowledges the original afterwards, so a crash in between duplicates, never loses.
 */
export class RetryRouter {
  private readonly producer: LetterProducer;

  constructor(
    ctx: ClientContext,
    private readonly retryTopic: string,
    private readonly deadLetter: DeadLetterRouter,
  ) {
    this.producer = new LetterProducer(ctx, { topic: retryTopic });
  }

  /** Publishes `msg` for another try after `delayMs`; resolves once the broker stored it. */
  async publish(msg: Message, delayMs: number): Promise<void> {
    const { properties, reconsumeTimes } = retryProperties(msg, delayMs, this.retryTopic);
    if (reconsumeTimes > this.deadLetter.maxRedeliverCount) {
      await this.deadLetter.publish(msg, properties);
      return;
    }
    const orderingKey = msg.getOrderingKey();
    await this.producer.send({
      data: msg.getData(),
      properties,
      deliverAfter: Math.max(0, delayMs),
      ...(msg.getPartitionKey() !== undefined ? { partitionKey: msg.getPartitionKey() } : {}),
      ...(orderingKey !== undefined ? { orderingKey } : {}),
      ...(msg.getEventTimestamp() > 0 ? { eventTimestamp: msg.getEventTimestamp() } : {}),
    });
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}
