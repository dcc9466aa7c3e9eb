import type { ClientContext } from '../client-context.js';
import { AlreadyClosedError, InvalidConfigurationError } from '../errors.js';
import type { MessageId } from '../message-id.js';
import { AsyncQueue } from '../util/async-queue.js';
import { resolveConsumerConfig } from './config.js';
import type { Message } from './message.js';
import { PartitionConsumer } from './partition-consumer.js';
import type { ConsumerConfig, ResolvedConsumerConfig } from './types.js';

/**
 * A subscription on one or more topics: one PartitionConsumer per topic partition, all feeding one
 * receive queue. Messages are pulled with `receive()` / `for await`, or pushed to `listener`.
 *
 * Acknowledgements are grouped for `ackGroupingTimeMs` (100 ms, like the official clients) and sent
 * as one ACK; `close()` sends what is pending first.
 */
export class Consumer implements AsyncIterable<Message> {
  private readonly queue = new AsyncQueue<{ msg: Message; from: PartitionConsumer }>();
  private readonly owners = new WeakMap<MessageId, PartitionConsumer>();
  private parts: PartitionConsumer[] = [];
  private closed = false;
  private untrack: () => void = () => undefined;

  protected constructor(private readonly listener: ConsumerConfig['listener']) {}

  static async create(ctx: ClientContext, config: ConsumerConfig): Promise<Consumer> {
    const topics = config.topics ?? (config.topic ? [config.topic] : []);
    if (topics.length === 0) throw new InvalidConfigurationError('topic or topics is required');
    const consumer = new Consumer(config.listener);
    await consumer.init(ctx, topics, resolveConsumerConfig(config));
    return consumer;
  }

  /** Builds a consumer from an already resolved configuration (readers use this). */
  static async createResolved(
    ctx: ClientContext,
    topic: string,
    cfg: ResolvedConsumerConfig,
  ): Promise<Consumer> {
    const consumer = new Consumer(undefined);
    await consumer.init(ctx, [topic], cfg);
    return consumer;
  }

  /** Expands partitioned topics and subscribes every partition; any failure undoes the rest. */
  protected async init(ctx: ClientContext, topics: string[], cfg: ResolvedConsumerConfig): Promise<void> {
    const deliver = (msg: Message, from: PartitionConsumer) => this.queue.push({ msg, from });
    for (const topic of topics) {
      const n = await ctx.lookup.getPartitionCount(topic);
      if (n === 0) this.parts.push(new PartitionConsumer(ctx, topic, -1, cfg, deliver));
      for (let i = 0; i < n; i++) {
        this.parts.push(new PartitionConsumer(ctx, `${topic}-partition-${i}`, i, cfg, deliver));
      }
    }
    const results = await Promise.allSettled(this.parts.map((p) => p.start()));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) {
      await Promise.all(this.parts.map((p) => p.close().catch(() => undefined)));
      throw failed.reason;
    }
    this.untrack = ctx.track(this);
    if (this.listener) void this.runListener();
  }

  /** Waits for the next message; with `timeoutMs`, rejects with TimeoutError when none arrives. */
  async receive(timeoutMs?: number): Promise<Message> {
    if (this.closed) throw new AlreadyClosedError('consumer');
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    for (;;) {
      const remaining = deadline === undefined ? undefined : Math.max(1, deadline - Date.now());
      const { msg, from } = await this.queue.take(remaining);
      if (!from.onDequeued(msg)) continue; // queued before a reconnect: the broker sends it again
      this.owners.set(msg.getMessageId(), from);
      return msg;
    }
  }

  /** Whether a message can be taken without waiting (stale entries may make this optimistic). */
  hasQueued(): boolean {
    return this.queue.size > 0;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Message> {
    for (;;) {
      try {
        yield await this.receive();
      } catch (err) {
        if (err instanceof AlreadyClosedError) return;
        throw err;
      }
    }
  }

  private async runListener(): Promise<void> {
    for await (const msg of this) {
      try {
        await this.listener!(msg, this);
      } catch {
        // A throwing listener must not stop delivery; the message stays unacked (ack timeout/nack).
      }
    }
  }

  private ownerOf(id: MessageId): PartitionConsumer {
    const owner =
      this.owners.get(id) ??
      (this.parts.length === 1 ? this.parts[0] : this.parts.find((p) => p.partition === id.partition));
    if (!owner) throw new InvalidConfigurationError(`message id ${id.toString()} is not from this consumer`);
    return owner;
  }

  async acknowledge(message: Message): Promise<void> {
    await this.acknowledgeId(message.getMessageId());
  }

  async acknowledgeId(id: MessageId): Promise<void> {
    this.ensureOpen();
    this.ownerOf(id).acknowledge(id);
  }

  async acknowledgeCumulative(message: Message): Promise<void> {
    await this.acknowledgeCumulativeId(message.getMessageId());
  }

  async acknowledgeCumulativeId(id: MessageId): Promise<void> {
    this.ensureOpen();
    this.ownerOf(id).acknowledgeCumulative(id);
  }

  negativeAcknowledge(message: Message): void {
    this.negativeAcknowledgeId(message.getMessageId());
  }

  negativeAcknowledgeId(id: MessageId): void {
    this.ensureOpen();
    this.ownerOf(id).negativeAcknowledge(id);
  }

  /** Seeks every partition to a message id or a publish timestamp (epoch ms). */
  async seek(target: MessageId | number): Promise<void> {
    this.ensureOpen();
    const parts = typeof target === 'number' ? this.parts : [this.ownerOf(target)];
    await Promise.all(parts.map((p) => p.seek(target)));
  }

  async unsubscribe(): Promise<void> {
    this.ensureOpen();
    await Promise.all(this.parts.map((p) => p.close(true)));
    this.finish();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all(this.parts.map((p) => p.close()));
    this.finish();
  }

  isConnected(): boolean {
    return this.parts.every((p) => p.state === 'ready');
  }

  /** The per-partition consumers (internal; the reader asks them for the last message id). */
  get partitions(): readonly PartitionConsumer[] {
    return this.parts;
  }

  private finish(): void {
    this.closed = true;
    this.untrack();
    this.queue.close(new AlreadyClosedError('consumer'));
  }

  private ensureOpen(): void {
    if (this.closed) throw new AlreadyClosedError('consumer');
  }
}
