import type { Consumer } from '../../subscription/consumer.js';

/** A range of sticky-key slots, inclusive at both ends (KeySharedMeta.hashRanges' IntRange). */
export interface SlotRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Maps a Key_Shared sticky-key slot to a consumer (Pulsar's StickyKeyConsumerSelector). Each
 * selector defines its own slot function over the murmur3_32 hash of the key, since Pulsar's
 * consistent-hashing ring and its explicit ranges use different slot ranges.
 */
export interface StickyKeySelector {
  /** The slot of a key's murmur3_32 hash. */
  slotOf(murmur: number): number;
  /** The consumer that owns `slot` now, or undefined (no consumer, or an uncovered sticky range). */
  select(slot: number): Consumer | undefined;
  /** Adds a consumer; throws a BrokerError (ConsumerAssignError) when it cannot be placed. */
  addConsumer(c: Consumer): void;
  removeConsumer(c: Consumer): void;
  /** The slot ranges each consumer owns now (stats, tests). */
  assignments(): Map<Consumer, SlotRange[]>;
}
