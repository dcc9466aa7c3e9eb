import type { ClientContext } from '../client-context.js';
import type { MessageId } from '../message-id.js';
import { Producer } from '../producer/producer.js';
import type { ProducerConfig, ProducerMessage } from '../producer/types.js';

/**
 * A producer to a dead-letter or retry topic, created on first use (most consumers never need
 * one) and again after a failed creation. It sends unbatched and chunks large messages, as the Java
 * client's letter producers do, so anything the consumer could receive can be moved.
 */
export class LetterProducer {
  private producer: Promise<Producer> | undefined;
  private closed = false;

  constructor(
    private readonly ctx: ClientContext,
    private readonly config: ProducerConfig,
  ) {}

  get topic(): string {
    return this.config.topic;
  }

  async send(msg: ProducerMessage): Promise<MessageId> {
    const producer = await this.get();
    return producer.send(msg);
  }

  private get(): Promise<Producer> {
    if (this.closed) return Promise.reject(new Error(`letter producer for ${this.topic} is closed`));
    if (!this.producer) {
      const created = Producer.create(this.ctx, {
        batchingEnabled: false,
        chunkingEnabled: true,
        blockIfQueueFull: false,
        ...this.config,
      });
      // A failed creation is forgotten so that the next message tries again.
      created.catch(() => {
        if (this.producer === created) this.producer = undefined;
      });
      this.producer = created;
    }
    return this.producer;
  }

  async close(): Promise<void> {
    this.closed = true;
    const p = await this.producer?.catch(() => undefined);
    await p?.close();
  }
}
