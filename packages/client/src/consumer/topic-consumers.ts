import type { ClientContext } from '../client-context.js';
import type { MessageId } from '../message-id.js';
import type { Message } from './message.js';
import { PartitionConsumer } from './partition-consumer.js';
import type { TopicSet } from './pattern-watcher.js';
import type { ResolvedConsumerConfig } from './types.js';

/** CommandSubscribe.InitialPosition.Earliest */
const INITIAL_POSITION_EARLIEST = 1;

/**
 * The topics of one consumer and their partition consumers (Java's MultiTopicsConsumerImpl keeps
 * the same map): a partitioned topic expands to one PartitionConsumer per partition, a plain topic
 * to one. Topics can be added and removed while the consumer runs (pattern rediscovery).
 */
export class TopicConsumers implements TopicSet {
  private readonly byTopic = new Map<string, PartitionConsumer[]>();
  private closed = false;

  constructor(
    private readonly ctx: ClientContext,
    private readonly cfg: ResolvedConsumerConfig,
    private readonly deliver: (msg: Message, from: PartitionConsumer) => void,
  ) {}

  current(): string[] {
    return [...this.byTopic.keys()];
  }

  all(): PartitionConsumer[] {
    return [...this.byTopic.values()].flat();
  }

  /** Subscribes every partition of each new topic; if any fails, the new ones are closed again. */
  async add(topics: string[]): Promise<void> {
    const fresh = topics.filter((t, i) => !this.byTopic.has(t) && topics.indexOf(t) === i);
    const created = new Map<string, PartitionConsumer[]>();
    for (const topic of fresh) {
      const n = await this.ctx.lookup.getPartitionCount(topic);
      const parts =
        n === 0
          ? [new PartitionConsumer(this.ctx, topic, -1, this.cfg, this.deliver)]
          : Array.from(
              { length: n },
              (_, i) => new PartitionConsumer(this.ctx, `${topic}-partition-${i}`, i, this.cfg, this.deliver),
            );
      created.set(topic, parts);
    }
    const starting = [...created.values()].flat();
    const results = await Promise.allSettled(starting.map((p) => p.start()));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) {
      await Promise.all(starting.map((p) => p.close().catch(() => undefined)));
      throw failed.reason;
    }
    for (const [topic, parts] of created) this.byTopic.set(topic, parts);
  }

  /**
   * Subscribes partitions added to partitioned topics since they were subscribed (Java's
   * MultiTopicsConsumerImpl.onPartitionsChange). New partitions start at Earliest whatever the
   * configured position: anything published there before this consumer got round to them would
   * otherwise be skipped, and the producers that route to them may have been quicker.
   */
  async grow(): Promise<void> {
    for (const [topic, parts] of [...this.byTopic]) {
      if (parts[0]?.partition === undefined || parts[0].partition < 0) continue;
      const n = await this.ctx.lookup.getPartitionCount(topic);
      const have = parts.length;
      if (n <= have || this.byTopic.get(topic) !== parts) continue;
      const cfg = { ...this.cfg, initialPosition: INITIAL_POSITION_EARLIEST };
      const added = Array.from(
        { length: n - have },
        (_, k) =>
          new PartitionConsumer(this.ctx, `${topic}-partition-${have + k}`, have + k, cfg, this.deliver),
      );
      const results = await Promise.allSettled(added.map((p) => p.start()));
      const failed = results.find((r) => r.status === 'rejected');
      // The topic may have been removed (pattern) or the consumer closed while subscribing.
      if (failed || this.closed || this.byTopic.get(topic) !== parts) {
        await Promise.all(added.map((p) => p.close().catch(() => undefined)));
        if (failed) throw failed.reason;
        continue;
      }
      parts.push(...added);
      this.ctx.log('info', `${topic}: now consuming ${n} partitions`);
    }
  }

  /** Closes the consumers of topics that are gone (the subscription stays on the broker). */
  async remove(topics: string[]): Promise<void> {
    const parts = topics.flatMap((t) => this.byTopic.get(t) ?? []);
    for (const t of topics) this.byTopic.delete(t);
    await Promise.all(parts.map((p) => p.close().catch(() => undefined)));
  }

  /**
   * The partition consumer of a message: by its topic name when known, else by the id's partition
   * when that is unambiguous (one topic).
   */
  find(id: MessageId, topic?: string): PartitionConsumer | undefined {
    if (this.byTopic.size === 1) {
      // One topic (the common case, and the hot path of acknowledgeId): the id's partition says which.
      const [[only, parts]] = this.byTopic;
      if (topic === undefined || topic === only || parts.some((p) => p.topic === topic)) {
        const i = id.partition < 0 ? 0 : id.partition;
        const p = parts[i];
        if (p !== undefined && p.partition === id.partition) return p;
        if (topic === undefined) return undefined;
      }
    }
    const all = this.all();
    if (topic !== undefined) {
      const match = all.find((p) => p.topic === topic);
      if (match) return match;
    }
    const candidates = all.filter((p) => p.partition === id.partition);
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    await Promise.all(this.all().map((p) => p.close()));
  }
}
