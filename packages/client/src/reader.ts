import type { ClientContext } from './client-context.js';
import { resolveConsumerConfig, randomName } from './consumer/config.js';
import { Consumer } from './consumer/consumer.js';
import type { Message } from './consumer/message.js';
import { InvalidConfigurationError } from './errors.js';
import { MessageId } from './message-id.js';

export interface ReaderConfig {
  topic: string;
  startMessageId: MessageId;
  receiverQueueSize?: number;
  readerName?: string;
  subscriptionRolePrefix?: string;
  readCompacted?: boolean;
}

/**
 * A reader: a non-durable Exclusive subscription named `reader-<10 hex>` that starts after
 * `startMessageId` (or at the first message for earliest, at the next new one for latest), as
 * Pulsar's ReaderImpl does. It acknowledges cumulatively as it reads so the broker can trim.
 */
export class Reader {
  private constructor(
    private readonly consumer: Consumer,
    private readonly start: MessageId,
    private latestBaseline: MessageId | undefined,
  ) {}

  static async create(ctx: ClientContext, config: ReaderConfig): Promise<Reader> {
    if (!config.topic) throw new InvalidConfigurationError('topic is required');
    if (!(config.startMessageId instanceof MessageId)) {
      throw new InvalidConfigurationError('startMessageId must be a MessageId');
    }
    const cfg = resolveConsumerConfig({
      subscription: `${config.subscriptionRolePrefix ?? 'reader'}-${randomName()}`,
      subscriptionType: 'Exclusive',
      receiverQueueSize: config.receiverQueueSize,
      consumerName: config.readerName ?? '',
      readCompacted: config.readCompacted,
    });
    cfg.durable = false;
    cfg.startMessageId = config.startMessageId;
    const consumer = await Consumer.createResolved(ctx, config.topic, cfg);
    if (consumer.partitions.length !== 1) {
      await consumer.close();
      throw new InvalidConfigurationError(
        'readers on partitioned topics are not supported; read each partition',
      );
    }
    // For a latest reader, "is there more" means "newer than what existed when it started".
    const baseline = config.startMessageId.isLatest()
      ? await consumer.partitions[0].getLastMessageId()
      : undefined;
    return new Reader(consumer, config.startMessageId, baseline);
  }

  async readNext(timeoutMs?: number): Promise<Message> {
    const msg = await this.consumer.receive(timeoutMs);
    await this.consumer.acknowledgeCumulative(msg);
    return msg;
  }

  /** Whether readNext would return a message: checks the queue, else asks GET_LAST_MESSAGE_ID. */
  async hasNext(): Promise<boolean> {
    if (this.consumer.hasQueued()) return true;
    const part = this.consumer.partitions[0];
    const last = await part.getLastMessageId();
    if (last.entryId < 0) return false;
    const ref =
      part.lastDequeued ?? (this.start.isEarliest() ? undefined : (this.latestBaseline ?? this.start));
    if (!ref || ref.entryId < 0) return true;
    if (ref.ledgerId === last.ledgerId && ref.entryId === last.entryId) {
      // The broker names the batch's last readable message (compaction may have dropped later ones).
      const lastIndex = last.batchIndex >= 0 ? last.batchIndex : ref.batchSize - 1;
      return ref.batchIndex >= 0 && ref.batchIndex < lastIndex;
    }
    return ref.ledgerId < last.ledgerId || (ref.ledgerId === last.ledgerId && ref.entryId < last.entryId);
  }

  /** Moves the reader to a message id (inclusive) or a publish timestamp in epoch ms. */
  async seek(target: MessageId | number): Promise<void> {
    this.latestBaseline = undefined;
    await this.consumer.seek(target);
  }

  async close(): Promise<void> {
    await this.consumer.close();
  }

  isConnected(): boolean {
    return this.consumer.isConnected();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Message> {
    yield* this.consumer;
  }
}
