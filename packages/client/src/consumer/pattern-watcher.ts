import type { LookupService } from '../connection/lookup.js';
import type { Logger } from '../logger.js';
import type { Cancel, TimeSource } from '../util/clock.js';
import { matchTopics, type TopicsPattern } from './topics-pattern.js';

/** What the watcher changes: the consumer's set of subscribed (partitioned) topics. */
export interface TopicSet {
  current(): string[];
  add(topics: string[]): Promise<void>;
  remove(topics: string[]): Promise<void>;
}

/**
 * Periodic rediscovery for a pattern consumer (Java's PatternMultiTopicsConsumerImpl, without topic
 * list watchers): every period it lists the namespace with GET_TOPICS_OF_NAMESPACE, subscribes to
 * topics that now match and closes the consumers of topics that are gone. Rounds never overlap; a
 * failed round is logged and the next one tries again.
 */
export class PatternWatcher {
  private cancel: Cancel | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly pattern: TopicsPattern,
    private readonly lookup: LookupService,
    private readonly topics: TopicSet,
    private readonly time: TimeSource,
    private readonly log: Logger,
  ) {}

  /** The topics matching now (used for the initial subscription). */
  async discover(): Promise<string[]> {
    const names = await this.lookup.getTopicsOfNamespace(
      this.pattern.namespace,
      this.pattern.mode,
      this.pattern.source,
    );
    return matchTopics(this.pattern, names);
  }

  start(periodMs: number): void {
    if (this.cancel) return;
    this.cancel = this.time.every(periodMs, () => {
      if (!this.running) this.running = this.round().finally(() => (this.running = undefined));
    });
  }

  /** One rediscovery round; resolves when the topic set has been brought up to date. */
  async round(): Promise<void> {
    try {
      const found = new Set(await this.discover());
      const current = new Set(this.topics.current());
      const added = [...found].filter((t) => !current.has(t));
      const removed = [...current].filter((t) => !found.has(t));
      if (added.length > 0) {
        this.log('info', `topics pattern ${this.pattern.source}: subscribing to ${added.join(', ')}`);
        await this.topics.add(added);
      }
      if (removed.length > 0) {
        this.log('info', `topics pattern ${this.pattern.source}: ${removed.join(', ')} gone`);
        await this.topics.remove(removed);
      }
    } catch (err) {
      this.log('warn', `topics pattern ${this.pattern.source}: rediscovery failed: ${String(err)}`);
    }
  }

  async stop(): Promise<void> {
    this.cancel?.();
    this.cancel = undefined;
    await this.running;
  }
}
