import type { ClientContext } from '../client-context.js';
import { AlreadyClosedError } from '../errors.js';
import type { MessageId } from '../message-id.js';
import { resolveProducerConfig } from './config.js';
import { PartitionProducer } from './partition-producer.js';
import { MessageRouter } from './router.js';
import type { ProducerConfig, ProducerMessage } from './types.js';

/**
 * A producer for a topic: one PartitionProducer for a plain topic, one per partition (routed by
 * MessageRouter) for a partitioned one.
 *
 * `send` and `sendAsync` both resolve with the MessageId once the broker has persisted the message.
 * They differ only when the pending queue (maxPendingMessages) is full: `send` waits for room when
 * blockIfQueueFull is true (the default), which is the back-pressure; `sendAsync` never waits, it
 * admits the message at once or rejects with ProducerQueueIsFullError.
 */
export class Producer {
  private closed = false;
  private untrack: () => void = () => undefined;

  private constructor(
    private readonly topic: string,
    private readonly partitions: PartitionProducer[],
    private readonly router: MessageRouter | undefined,
    private readonly blockIfQueueFull: boolean,
  ) {}

  static async create(ctx: ClientContext, config: ProducerConfig): Promise<Producer> {
    const cfg = resolveProducerConfig(config);
    const n = await ctx.lookup.getPartitionCount(cfg.topic);
    const parts =
      n === 0
        ? [new PartitionProducer(ctx, cfg.topic, -1, cfg)]
        : Array.from(
            { length: n },
            (_, i) => new PartitionProducer(ctx, `${cfg.topic}-partition-${i}`, i, cfg),
          );
    const started = await Promise.allSettled(parts.map((p) => p.start()));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) {
      await Promise.all(parts.map((p) => p.close()));
      throw failed.reason;
    }
    const router =
      n === 0
        ? undefined
        : new MessageRouter(
            {
              mode: config.messageRoutingMode ?? 'RoundRobinPartition',
              hashingScheme: config.hashingScheme ?? 'JavaStringHash',
              batchingEnabled: cfg.batchingEnabled,
              batchingMaxMessages: cfg.batchingMaxMessages,
              batchingMaxPublishDelayMs: cfg.batchingMaxPublishDelayMs,
              custom: config.messageRouter,
            },
            n,
          );
    const producer = new Producer(cfg.topic, parts, router, cfg.blockIfQueueFull);
    producer.untrack = ctx.track(producer);
    return producer;
  }

  /** Publishes a message; waits for room in the pending queue when blockIfQueueFull is set. */
  send(msg: ProducerMessage): Promise<MessageId> {
    return this.route(msg).send(msg, this.blockIfQueueFull);
  }

  /** Publishes a message without waiting for queue room: a full queue rejects at once. */
  sendAsync(msg: ProducerMessage): Promise<MessageId> {
    return this.route(msg).send(msg, false);
  }

  private route(msg: ProducerMessage): PartitionProducer {
    if (this.closed) throw new AlreadyClosedError('producer');
    if (!Buffer.isBuffer(msg.data)) throw new TypeError('message data must be a Buffer');
    if (!this.router) return this.partitions[0];
    return this.partitions[this.router.choose(msg, this.partitions.length)];
  }

  /** Sends every open batch and waits for all outstanding receipts. */
  async flush(): Promise<void> {
    await Promise.all(this.partitions.map((p) => p.flush()));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.untrack();
    await Promise.all(this.partitions.map((p) => p.close()));
  }

  getProducerName(): string {
    return this.partitions[0].producerName ?? '';
  }

  getTopic(): string {
    return this.topic;
  }

  isConnected(): boolean {
    return this.partitions.every((p) => p.state === 'ready');
  }

  /** Messages admitted but not yet acknowledged, across partitions. */
  getPendingMessageCount(): number {
    return this.partitions.reduce((n, p) => n + p.pendingMessages, 0);
  }
}
