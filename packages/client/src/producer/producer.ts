import type { ClientContext } from '../client-context.js';
import { AlreadyClosedError, InvalidConfigurationError } from '../errors.js';
import type { MessageId } from '../message-id.js';
import { asSchemaError } from '../schema/errors.js';
import type { Schema } from '../schema/schema.js';
import { resolveProducerConfig } from './config.js';
import { PartitionProducer } from './partition-producer.js';
import { MessageRouter } from './router.js';
import type {
  ProducerConfig,
  ProducerMessage,
  ResolvedProducerConfig,
  TypedProducerMessage,
} from './types.js';
import { DEFAULT_PARTITIONS_UPDATE_INTERVAL_MS, PartitionUpdates } from '../util/partition-updates.js';

/**
 * A producer for a topic: one PartitionProducer for a plain topic, one per partition (routed by
 * MessageRouter) for a partitioned one.
 *
 * `send` and `sendAsync` both resolve with the MessageId once the broker has persisted the message.
 * They differ only when the pending queue (maxPendingMessages) is full: `send` waits for room when
 * blockIfQueueFull is true (the default), which is the back-pressure; `sendAsync` never waits, it
 * admits the message at once or rejects with ProducerQueueIsFullError.
 *
 * With a schema, `send({ value })` encodes the value with it; the schema is registered with the
 * topic when the producer is created, and a schema the topic's compatibility strategy refuses
 * fails creation with IncompatibleSchemaError.
 */
export class Producer<T = Buffer> {
  private closed = false;
  private untrack: () => void = () => undefined;
  private updates: PartitionUpdates | undefined;

  private constructor(
    private readonly ctx: ClientContext,
    private readonly cfg: ResolvedProducerConfig,
    private readonly topic: string,
    /** Grows (never shrinks) when partition updates find new partitions; index = partition. */
    private readonly partitions: PartitionProducer[],
    private readonly router: MessageRouter | undefined,
    private readonly blockIfQueueFull: boolean,
    private readonly schema: Schema<T> | undefined,
  ) {}

  static async create<T = Buffer>(ctx: ClientContext, config: ProducerConfig<T>): Promise<Producer<T>> {
    const cfg = resolveProducerConfig(config);
    const updateIntervalMs = config.partitionsAutoUpdateIntervalMs ?? DEFAULT_PARTITIONS_UPDATE_INTERVAL_MS;
    if (!(updateIntervalMs > 0)) {
      throw new InvalidConfigurationError('partitionsAutoUpdateIntervalMs must be positive');
    }
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
      throw asSchemaError(failed.reason);
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
    const producer = new Producer<T>(ctx, cfg, cfg.topic, parts, router, cfg.blockIfQueueFull, config.schema);
    producer.untrack = ctx.track(producer);
    if (n > 0 && config.autoUpdatePartitions !== false) {
      producer.updates = new PartitionUpdates(ctx.time, ctx.log, cfg.topic, () =>
        producer.addNewPartitions(),
      );
      producer.updates.start(updateIntervalMs);
    }
    return producer;
  }

  /**
   * PARTITIONED_METADATA again; when the topic has grown, creates producers for the new partitions
   * and only then lets the router use them, so no message is routed to a partition not yet ready.
   * Partition counts never shrink in Pulsar, so a smaller answer is ignored.
   */
  private async addNewPartitions(): Promise<void> {
    const n = await this.ctx.lookup.getPartitionCount(this.topic);
    const have = this.partitions.length;
    if (this.closed || n <= have) return;
    const added = Array.from(
      { length: n - have },
      (_, k) => new PartitionProducer(this.ctx, `${this.topic}-partition-${have + k}`, have + k, this.cfg),
    );
    const started = await Promise.allSettled(added.map((p) => p.start()));
    const failed = started.find((r) => r.status === 'rejected');
    if (this.closed || failed) {
      await Promise.all(added.map((p) => p.close()));
      if (failed) throw failed.reason; // logged; the next tick tries again
      return;
    }
    this.partitions.push(...added);
    this.ctx.log('info', `${this.topic}: now producing to ${n} partitions`);
  }

  /** Publishes a message; waits for room in the pending queue when blockIfQueueFull is set. */
  send(msg: ProducerMessage | TypedProducerMessage<T>): Promise<MessageId> {
    const m = this.toBytes(msg);
    return this.route(m).send(m, this.blockIfQueueFull);
  }

  /** Publishes a message without waiting for queue room: a full queue rejects at once. */
  sendAsync(msg: ProducerMessage | TypedProducerMessage<T>): Promise<MessageId> {
    const m = this.toBytes(msg);
    return this.route(m).send(m, false);
  }

  /** A `{ value }` message encoded with the schema (a Buffer value passes as is without one). */
  private toBytes(msg: ProducerMessage | TypedProducerMessage<T>): ProducerMessage {
    if (!('value' in msg)) return msg;
    const { value, ...rest } = msg;
    if (value === null) return { ...rest, data: Buffer.alloc(0), nullValue: true };
    if (this.schema) return { ...rest, data: this.schema.encode(value) };
    if (Buffer.isBuffer(value)) return { ...rest, data: value };
    throw new TypeError('send({ value }) needs a producer schema unless the value is a Buffer');
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
    await this.updates?.stop();
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

  /** Partitions this producer routes to (0 for a non-partitioned topic). */
  getNumPartitions(): number {
    return this.router ? this.partitions.length : 0;
  }

  /**
   * The highest sequence id admitted so far across partitions; right after creation, the last one
   * the broker stored for this producer name (PRODUCER_SUCCESS.last_sequence_id, with deduplication).
   */
  getLastSequenceId(): number {
    return Math.max(...this.partitions.map((p) => p.lastSequenceId));
  }

  /** Messages admitted but not yet acknowledged, across partitions. */
  getPendingMessageCount(): number {
    return this.partitions.reduce((n, p) => n + p.pendingMessages, 0);
  }
}
