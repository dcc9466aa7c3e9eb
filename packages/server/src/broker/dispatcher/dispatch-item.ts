import { parseEntry, type EntryScan, type MessageMetadata } from '@magnetar/protocol';
import type { Entry } from '../../storage/types.js';
import type { Delivery } from '../subscription/consumer.js';

/** An entry read for dispatch, with what the dispatcher learnt from its metadata. */
export interface DispatchItem extends Delivery {
  /** Read from the replay queue rather than at the read position. */
  readonly fromReplay: boolean;
  /** Key_Shared sticky key (ordering_key ▸ partition_key ▸ "NONE_KEY"); undefined elsewhere. */
  readonly stickyKey: Buffer | undefined;
}

/**
 * The stored entry's MessageMetadata, or undefined for a damaged one. Entries were validated on
 * SEND; a damaged one still costs one permit and reaches the client, whose checksum check reports it.
 */
export function metadataOf(entry: Entry): MessageMetadata | undefined {
  try {
    return parseEntry(entry.data).metadata;
  } catch {
    return undefined;
  }
}

/**
 * When a delayed message is due (MessageMetadata.deliver_at_time), or 0 when it is not delayed.
 * With a positive `maxDelayMs` (delayedDeliveryMaxDelayInMillis) the delay is capped at that much
 * after publish_time: Pulsar refuses such a message at publish instead; Magnetar accepts it and
 * delivers it at the cap (documented in the queue-semantics notes).
 */
export function deliverAtOf(scan: EntryScan | undefined, maxDelayMs: number): number {
  const at = scan?.deliverAtTime ?? 0;
  if (at <= 0) return 0;
  if (maxDelayMs > 0 && scan) return Math.min(at, scan.publishTime + maxDelayMs);
  return at;
}
