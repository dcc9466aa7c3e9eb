import { javaStringHash, murmur3Hash } from '../connection/wire.js';
import type { HashingScheme, MessageRoutingMode, ProducerMessage } from './types.js';

export interface RouterOptions {
  mode: MessageRoutingMode;
  hashingScheme: HashingScheme;
  batchingEnabled: boolean;
  batchingMaxMessages: number;
  batchingMaxPublishDelayMs: number;
  custom?: (message: ProducerMessage, numPartitions: number) => number;
  now?: () => number;
  random?: () => number;
}

/**
 * Picks the partition of each message of a partitioned topic. Keyed messages always go to
 * hash(key) % n (the key is partitionKey, else orderingKey). Unkeyed messages follow the routing
 * mode: SinglePartition sticks to one random partition; RoundRobinPartition stays on a partition for
 * one batch (until batchingMaxMessages messages or batchingMaxPublishDelayMs passed), so batches
 * stay full, then moves to the next, as the Java and Go clients do. Without batching it moves on
 * with every message.
 */
export class MessageRouter {
  private readonly hash: (key: string) => number;
  private readonly now: () => number;
  private current: number;
  private countOnCurrent = 0;
  private switchedAt: number;

  constructor(
    private readonly opts: RouterOptions,
    numPartitions: number,
  ) {
    this.hash = opts.hashingScheme === 'Murmur3_32Hash' ? murmur3Hash : javaStringHash;
    this.now = opts.now ?? Date.now;
    this.current = Math.floor((opts.random ?? Math.random)() * numPartitions);
    this.switchedAt = this.now();
  }

  choose(msg: ProducerMessage, numPartitions: number): number {
    if (this.opts.mode === 'CustomPartition' && this.opts.custom) {
      return this.opts.custom(msg, numPartitions);
    }
    const key = msg.partitionKey ?? (typeof msg.orderingKey === 'string' ? msg.orderingKey : undefined);
    if (key !== undefined) return this.hash(key) % numPartitions;
    if (this.opts.mode === 'SinglePartition') return this.current % numPartitions;
    return this.roundRobin(numPartitions);
  }

  private roundRobin(numPartitions: number): number {
    const batchDone = !this.opts.batchingEnabled
      ? this.countOnCurrent >= 1
      : this.countOnCurrent >= this.opts.batchingMaxMessages ||
        this.now() - this.switchedAt >= this.opts.batchingMaxPublishDelayMs;
    if (batchDone) {
      this.current = (this.current + 1) % numPartitions;
      this.countOnCurrent = 0;
      this.switchedAt = this.now();
    }
    this.countOnCurrent++;
    return this.current % numPartitions;
  }
}
