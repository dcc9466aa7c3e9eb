/**
 * A topic's message-priority state (docs/design/0006): whether its namespace enables priority,
 * the level weights, and the index of each Shared or Key_Shared subscription that dispatches.
 * Off (the default) it costs one boolean test per publish and per dispatcher read round.
 */
import { SubType, TopicName } from '@magnetar/protocol';
import type { Position } from '../../storage/types.js';
import { defaultPriorityWeights, type PriorityPolicy } from '../../resources/policies/priority.js';
import type { Subscription } from '../subscription/subscription.js';
import type { PersistentTopic } from '../topic/persistent-topic.js';
import { PriorityIndex } from './priority-index.js';
import { priorityOfEntry } from './priority-level.js';

export class TopicPriority {
  private enabled = false;
  private weights: readonly number[] = defaultPriorityWeights();
  private readonly indexes = new Map<Subscription, PriorityIndex>();
  private readonly stopWatching: () => void;
  private closed = false;

  constructor(private readonly topic: PersistentTopic) {
    const policies = topic.broker.policies;
    const namespace = TopicName.parse(topic.name).namespace;
    this.stopWatching =
      policies?.onChange((ns) => {
        if (ns === namespace) void this.refresh();
      }) ?? (() => {});
    void this.refresh();
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  /** Reads the namespace's priority policy and applies it (topic load, namespace change). */
  async refresh(): Promise<void> {
    const policies = this.topic.broker.policies;
    if (!policies) return;
    let policy: PriorityPolicy | undefined;
    try {
      policy = (await policies.getPolicies(TopicName.parse(this.topic.name).namespace))?.priority;
    } catch (err) {
      this.topic.log.warn({ err }, 'reading the priority policy failed; kept as it was');
      return;
    }
    this.apply(policy);
  }

  /** Applies a policy; exported for tests that run without a metadata store. */
  apply(policy: PriorityPolicy | undefined): void {
    if (this.closed) return;
    const enabled = policy?.enabled === true;
    this.weights = policy?.weights ?? defaultPriorityWeights();
    for (const idx of this.indexes.values()) idx.setWeights(this.weights);
    if (enabled === this.enabled) return;
    this.enabled = enabled;
    if (!enabled) this.dropAll();
    // Dispatchers switch between the priority index and reading at their read position.
    for (const s of this.topic.subscriptions.values()) s.dispatcher?.wake();
  }

  /**
   * The index a subscription's dispatcher takes entries from, created (and its scan started) on
   * first use; undefined when priority is off or the subscription keeps log order (Exclusive,
   * Failover).
   */
  indexFor(sub: Subscription): PriorityIndex | undefined {
    if (!this.enabled) return undefined;
    if (sub.type !== SubType.Shared && sub.type !== SubType.Key_Shared) {
      this.drop(sub);
      return undefined;
    }
    let idx = this.indexes.get(sub);
    if (!idx) {
      idx = new PriorityIndex(
        {
          ledger: this.topic.ledger,
          cursor: sub.cursor,
          maxReadBytes: this.topic.broker.config.dispatcherMaxReadSizeBytes,
          log: sub.log.child({ component: 'priority-index' }),
        },
        this.weights,
      );
      this.indexes.set(sub, idx);
    }
    return idx;
  }

  /** The subscription's index if it has one (stats, acks, seeks: never creates one). */
  existing(sub: Subscription): PriorityIndex | undefined {
    return this.enabled ? this.indexes.get(sub) : undefined;
  }

  /** Backlog per level for the subscription stats (priorityBacklog); undefined without an index. */
  backlogOf(sub: Subscription): Record<string, number> | undefined {
    return this.existing(sub)?.backlogByLevel();
  }

  /** An entry was stored: add it to every index, then let their dispatchers look again. */
  published(p: Position, data: Buffer): void {
    if (!this.enabled || this.indexes.size === 0) return;
    const level = priorityOfEntry(data);
    for (const [sub, idx] of this.indexes) {
      if (this.topic.subscriptions.get(sub.name) !== sub) {
        this.drop(sub);
        continue;
      }
      idx.published(p, level);
      sub.dispatcher?.wake();
    }
  }

  close(): void {
    this.closed = true;
    this.stopWatching();
    this.dropAll();
  }

  private drop(sub: Subscription): void {
    this.indexes.get(sub)?.close();
    this.indexes.delete(sub);
  }

  private dropAll(): void {
    for (const idx of this.indexes.values()) idx.close();
    this.indexes.clear();
  }
}
