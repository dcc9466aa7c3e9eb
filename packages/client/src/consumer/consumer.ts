import type { ClientContext } from '../client-context.js';
import { DeadLetterRouter } from '../dead-letter/dead-letter-router.js';
import { resolveDeadLetterPolicy, type ResolvedDeadLetterPolicy } from '../dead-letter/policy.js';
import { RetryRouter } from '../dead-letter/retry-router.js';
import { AlreadyClosedError, InvalidConfigurationError } from '../errors.js';
import type { MessageId } from '../message-id.js';
import { AsyncQueue } from '../util/async-queue.js';
import { resolveConsumerConfig } from './config.js';
import type { Message } from './message.js';
import type { PartitionConsumer } from './partition-consumer.js';
import { PatternWatcher } from './pattern-watcher.js';
import { processByKey, type KeyedProcessing, type ProcessByKeyOptions } from './process-by-key.js';
import { TopicConsumers } from './topic-consumers.js';
import { WriterSchemas } from '../schema/writer-schemas.js';
import { parseTopicsPattern } from './topics-pattern.js';
import type { ConsumerConfig, ListenerConsumer, ResolvedConsumerConfig } from './types.js';
import { DEFAULT_PARTITIONS_UPDATE_INTERVAL_MS, PartitionUpdates } from '../util/partition-updates.js';

/** Pulsar's default patternAutoDiscoveryPeriod. */
const DEFAULT_PATTERN_DISCOVERY_PERIOD_MS = 60_000;

/**
 * A subscription on one or more topics (a list, or every topic of a namespace matching a pattern,
 * rediscovered periodically): one PartitionConsumer per topic partition, all feeding one receive
 * queue. Messages are pulled with `receive()` / `for await`, pushed to `listener`, or processed
 * concurrently per key with `processByKey`. Each message names its topic and is acknowledged on
 * the partition it came from.
 *
 * With a dead-letter policy, a message the broker delivers for the maxRedeliverCount-th time is
 * published to the dead-letter topic and acknowledged instead of being handed out; with
 * retryEnable, `reconsumeLater` sends a message round the retry topic.
 */
export class Consumer<T = unknown> implements AsyncIterable<Message<T>>, ListenerConsumer {
  /** Received messages, each with `deliveredBy` set to the partition consumer it came from. */
  private readonly queue = new AsyncQueue<Message>();
  /**
   * The partition consumer of each message id handed out, kept only when the consumer has (or may
   * get) several topics: with one topic, the id's partition names its partition consumer, and a
   * WeakMap entry per message cost ~10% of a consuming thread (BENCHMARKS.md, perf e2e).
   */
  private readonly owners = new WeakMap<MessageId, PartitionConsumer>();
  private trackOwners = false;
  private readonly topics: TopicConsumers;
  private deadLetter: DeadLetterRouter | undefined;
  private retry: RetryRouter | undefined;
  private watcher: PatternWatcher | undefined;
  private updates: PartitionUpdates | undefined;
  private processing: KeyedProcessing | undefined;
  private closed = false;
  private untrack: () => void = () => undefined;
  /** Decodes `getValue()` of every message handed out (the consumer's schema). */
  private readonly decode: ((data: Buffer) => unknown) | undefined;
  /** Decoders for messages written with other versions of the schema (AVRO and JSON only). */
  private readonly writers: WriterSchemas | undefined;

  protected constructor(
    private readonly ctx: ClientContext,
    cfg: ResolvedConsumerConfig,
    private readonly listener: ConsumerConfig['listener'],
  ) {
    this.topics = new TopicConsumers(ctx, cfg, (msg, from) => this.onMessage(msg, from));
    const schema = cfg.schema;
    this.decode = schema ? (d) => schema.decode(d) : undefined;
    this.writers = schema?.readerFor ? new WriterSchemas(ctx, schema) : undefined;
  }

  static async create<T = unknown>(ctx: ClientContext, config: ConsumerConfig<T>): Promise<Consumer<T>> {
    const cfg = resolveConsumerConfig(config);
    const consumer = new Consumer<T>(ctx, cfg, config.listener);
    await consumer.init(config, cfg);
    return consumer;
  }

  /** Builds a consumer from an already resolved configuration (readers use this). */
  static async createResolved(
    ctx: ClientContext,
    topic: string,
    cfg: ResolvedConsumerConfig,
  ): Promise<Consumer> {
    const consumer = new Consumer(ctx, cfg, undefined);
    await consumer.topics.add([topic]);
    consumer.untrack = ctx.track(consumer);
    return consumer;
  }

  /** Resolves the topic list, the dead-letter policy and the pattern, then subscribes everything. */
  private async init(config: ConsumerConfig, cfg: ResolvedConsumerConfig): Promise<void> {
    const listed = [...new Set(config.topics ?? (config.topic ? [config.topic] : []))];
    if (config.topicsPattern !== undefined && listed.length > 0) {
      throw new InvalidConfigurationError('topicsPattern cannot be combined with topic or topics');
    }
    if (config.topicsPattern === undefined && listed.length === 0) {
      throw new InvalidConfigurationError('topic, topics or topicsPattern is required');
    }
    if (!((config.partitionsAutoUpdateIntervalMs ?? 1) > 0)) {
      throw new InvalidConfigurationError('partitionsAutoUpdateIntervalMs must be positive');
    }
    const retryEnable = config.retryEnable ?? false;
    const policy = resolveDeadLetterPolicy(listed[0], cfg.subscription, config.deadLetterPolicy, retryEnable);
    let topics = listed;
    this.trackOwners = config.topicsPattern !== undefined || listed.length > 1;
    if (config.topicsPattern !== undefined) {
      const pattern = parseTopicsPattern(config.topicsPattern);
      this.watcher = new PatternWatcher(pattern, this.ctx.lookup, this.topics, this.ctx.time, this.ctx.log);
      topics = await this.watcher.discover();
    }
    this.setUpLetters(policy, cfg);
    if (this.retry && policy?.retryLetterTopic && !topics.includes(policy.retryLetterTopic)) {
      topics = [...topics, policy.retryLetterTopic];
      this.trackOwners = true;
    }
    try {
      await this.topics.add(topics);
    } catch (err) {
      await this.closeLetters();
      throw err;
    }
    this.untrack = this.ctx.track(this);
    const period = config.patternAutoDiscoveryPeriodMs ?? DEFAULT_PATTERN_DISCOVERY_PERIOD_MS;
    if (!(period > 0)) throw new InvalidConfigurationError('patternAutoDiscoveryPeriodMs must be positive');
    this.watcher?.start(period);
    this.startPartitionUpdates(config);
    if (this.listener) void this.runListener();
  }

  private startPartitionUpdates(config: ConsumerConfig): void {
    if (config.autoUpdatePartitions === false) return;
    const interval = config.partitionsAutoUpdateIntervalMs ?? DEFAULT_PARTITIONS_UPDATE_INTERVAL_MS;
    this.updates = new PartitionUpdates(this.ctx.time, this.ctx.log, config.subscription, () =>
      this.topics.grow(),
    );
    this.updates.start(interval);
  }

  private setUpLetters(policy: ResolvedDeadLetterPolicy | undefined, cfg: ResolvedConsumerConfig): void {
    if (!policy) return;
    this.deadLetter = new DeadLetterRouter(this.ctx, policy, cfg.subscription, cfg.consumerName);
    if (policy.retryLetterTopic)
      this.retry = new RetryRouter(this.ctx, policy.retryLetterTopic, this.deadLetter);
  }

  /** Every message a partition consumer unpacks comes here, before the application sees it. */
  private onMessage(msg: Message, from: PartitionConsumer): void {
    if (this.deadLetter?.shouldDeadLetter(msg)) {
      this.moveToDeadLetter(msg, from);
      return;
    }
    msg.deliveredBy = from;
    this.queue.push(msg);
  }

  /**
   * Publishes the message to the dead-letter topic, then acknowledges it; if publishing fails it is
   * negatively acknowledged, so it comes back (still over the limit) and is tried again.
   */
  private moveToDeadLetter(msg: Message, from: PartitionConsumer): void {
    if (!from.onDequeued(msg)) return;
    const id = msg.getMessageId();
    const settle = (action: () => void) => {
      try {
        action();
      } catch {
        // The consumer closed meanwhile; the broker redelivers the message to the next one.
      }
    };
    this.deadLetter!.publish(msg).then(
      () => settle(() => from.acknowledge(id)),
      (err: unknown) => {
        this.ctx.log('warn', `${msg.getTopicName()}: dead-lettering ${id.toString()} failed: ${String(err)}`);
        settle(() => from.negativeAcknowledge(id, msg.getRedeliveryCount()));
      },
    );
  }

  /** Waits for the next message; with `timeoutMs`, rejects with TimeoutError when none arrives. */
  receive(timeoutMs?: number): Promise<Message<T>> {
    // A message already queued is handed over without the async machinery of `take` (one
    // settled promise instead of three per message); everything else goes the long way.
    const ready = this.takeReady();
    if (ready !== undefined) return Promise.resolve(ready as Message<T>);
    return this.take(timeoutMs, undefined) as Promise<Message<T>>;
  }

  /**
   * The next queued message when it can be handed out synchronously: the consumer is open, a fresh
   * message is queued and no schema decoder has to be looked up for it. Stale messages are skipped
   * as in `take`.
   */
  private takeReady(): Message | undefined {
    if (this.closed || this.decode) return undefined;
    for (;;) {
      const msg = this.queue.poll();
      if (msg === undefined) return undefined;
      const from = msg.deliveredBy as PartitionConsumer;
      if (!from.onDequeued(msg)) continue; // queued before a reconnect
      if (this.trackOwners) this.owners.set(msg.getMessageId(), from);
      return msg;
    }
  }

  /** Waits for the next message until `signal` aborts (processByKey uses this to stop cleanly). */
  async receiveUntil(signal: AbortSignal): Promise<Message> {
    return this.take(undefined, signal);
  }

  private async take(timeoutMs: number | undefined, signal: AbortSignal | undefined): Promise<Message> {
    if (this.closed) throw new AlreadyClosedError('consumer');
    const time = this.ctx.time;
    const deadline = timeoutMs === undefined ? undefined : time.now() + timeoutMs;
    for (;;) {
      const remaining = deadline === undefined ? undefined : Math.max(1, deadline - time.now());
      const msg = await this.queue.take(remaining, signal);
      const from = msg.deliveredBy as PartitionConsumer;
      if (!from.onDequeued(msg)) continue; // queued before a reconnect: the broker sends it again
      if (this.trackOwners) this.owners.set(msg.getMessageId(), from);
      if (this.decode) msg.decodeWith(await this.decoderOf(msg));
      return msg;
    }
  }

  /**
   * The consumer's own decoder, or one resolving from the writer's schema version when the message
   * was written with another. If the writer's schema cannot be fetched the own decoder is used, so
   * `getValue()` fails (or succeeds) as it would without versions, and the message is not lost.
   */
  private async decoderOf(msg: Message): Promise<(data: Buffer) => unknown> {
    const version = msg.getSchemaVersion();
    if (!this.writers || !version || version.length === 0) return this.decode!;
    try {
      return (await this.writers.decoderFor(msg.getTopicName(), version)) ?? this.decode!;
    } catch (err) {
      this.ctx.log('warn', `${msg.getTopicName()}: schema version fetch failed: ${String(err)}`);
      return this.decode!;
    }
  }

  /** Whether a message can be taken without waiting (stale entries may make this optimistic). */
  hasQueued(): boolean {
    return this.queue.size > 0;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Message<T>> {
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

  /**
   * Runs `handler` on every message, concurrently for different keys (ordering key, else partition
   * key) and strictly in order within one key; see ProcessByKeyOptions. Not with a listener.
   */
  processByKey(
    handler: (message: Message) => void | Promise<void>,
    options: ProcessByKeyOptions = {},
  ): KeyedProcessing {
    this.ensureOpen();
    if (this.listener || this.processing) {
      throw new InvalidConfigurationError(
        'processByKey cannot run beside a listener or another processByKey',
      );
    }
    const processing = processByKey(this, handler, options, this.ctx.log);
    this.processing = processing;
    // Once it ends (stopped, or failed), another processByKey may start.
    void processing.done.then(
      () => this.clearProcessing(processing),
      () => this.clearProcessing(processing),
    );
    return processing;
  }

  private clearProcessing(p: KeyedProcessing): void {
    if (this.processing === p) this.processing = undefined;
  }

  /** The partition consumer a message id came from. */
  private ownerOf(id: MessageId, topic?: string): PartitionConsumer {
    const owner = this.owners.get(id) ?? this.topics.find(id, topic);
    if (!owner) throw new InvalidConfigurationError(`message id ${id.toString()} is not from this consumer`);
    return owner;
  }

  async acknowledge(message: Message): Promise<void> {
    this.ensureOpen();
    this.ownerOf(message.getMessageId(), message.getTopicName()).acknowledge(message.getMessageId());
  }

  async acknowledgeId(id: MessageId): Promise<void> {
    this.ensureOpen();
    this.ownerOf(id).acknowledge(id);
  }

  async acknowledgeCumulative(message: Message): Promise<void> {
    this.ensureOpen();
    const id = message.getMessageId();
    this.ownerOf(id, message.getTopicName()).acknowledgeCumulative(id);
  }

  async acknowledgeCumulativeId(id: MessageId): Promise<void> {
    this.ensureOpen();
    this.ownerOf(id).acknowledgeCumulative(id);
  }

  /** Redelivered after the nack delay, or the back-off for its redelivery count. */
  negativeAcknowledge(message: Message): void {
    this.ensureOpen();
    const id = message.getMessageId();
    this.ownerOf(id, message.getTopicName()).negativeAcknowledge(id, message.getRedeliveryCount());
  }

  negativeAcknowledgeId(id: MessageId): void {
    this.ensureOpen();
    this.ownerOf(id).negativeAcknowledge(id);
  }

  /**
   * Sends the message round the retry topic to be delivered again after `delayMs` (or to the
   * dead-letter topic once it has been reconsumed maxRedeliverCount times), then acknowledges it.
   */
  async reconsumeLater(message: Message, delayMs: number): Promise<void> {
    this.ensureOpen();
    if (!this.retry) throw new InvalidConfigurationError('reconsumeLater needs retryEnable');
    await this.retry.publish(message, delayMs);
    await this.acknowledge(message);
  }

  /** Seeks every partition to a message id or a publish timestamp (epoch ms). */
  async seek(target: MessageId | number): Promise<void> {
    this.ensureOpen();
    const parts = typeof target === 'number' ? this.topics.all() : [this.ownerOf(target)];
    await Promise.all(parts.map((p) => p.seek(target)));
  }

  async unsubscribe(): Promise<void> {
    this.ensureOpen();
    await this.stopBackground();
    await Promise.all(this.topics.all().map((p) => p.close(true)));
    await this.finish();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.stopBackground();
    await this.topics.closeAll();
    await this.finish();
  }

  isConnected(): boolean {
    return this.topics.all().every((p) => p.state === 'ready');
  }

  /** The per-partition consumers (internal; the reader asks them for the last message id). */
  get partitions(): readonly PartitionConsumer[] {
    return this.topics.all();
  }

  /** The (partitioned) topics this consumer is subscribed to now. */
  getTopics(): string[] {
    return this.topics.current();
  }

  private async stopBackground(): Promise<void> {
    await Promise.all([this.watcher?.stop(), this.updates?.stop()]);
  }

  private async closeLetters(): Promise<void> {
    await Promise.all([this.retry?.close(), this.deadLetter?.close()]);
  }

  private async finish(): Promise<void> {
    this.closed = true;
    this.untrack();
    this.queue.close(new AlreadyClosedError('consumer'));
    const processing = this.processing;
    await processing?.done.catch(() => undefined);
    await this.closeLetters();
  }

  private ensureOpen(): void {
    if (this.closed) throw new AlreadyClosedError('consumer');
  }
}
