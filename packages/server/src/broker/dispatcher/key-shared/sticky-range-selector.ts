import { ServerError } from '@magnetar/protocol';
import { BrokerError } from '../../errors.js';
import type { Consumer } from '../../subscription/consumer.js';
import type { SlotRange, StickyKeySelector } from './selector.js';

/** The STICKY slot space: murmur % 65536 over [0, 65535] (KeySharedPolicySticky). */
const RANGE_SIZE = 65536;

const assignError = (why: string) => new BrokerError(ServerError.ConsumerAssignError, why);

interface Owned extends SlotRange {
  readonly consumer: Consumer;
}

/**
 * Key_Shared STICKY mode: every consumer brings its own slot ranges (KeySharedMeta.hashRanges) and
 * they must not overlap those of the consumers already attached, else the subscribe fails with
 * ConsumerAssignError (Pulsar's HashRangeExclusiveStickyKeyConsumerSelector). A slot nobody owns is
 * not delivered; its entries wait in the replay queue until a consumer covering it arrives.
 */
export class StickyRangeSelector implements StickyKeySelector {
  /** Owned ranges sorted by start. */
  private ranges: Owned[] = [];

  slotOf(murmur: number): number {
    return murmur % RANGE_SIZE;
  }

  select(slot: number): Consumer | undefined {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ranges[mid].end < slot) lo = mid + 1;
      else hi = mid;
    }
    const r = this.ranges[lo];
    return r && r.start <= slot ? r.consumer : undefined;
  }

  addConsumer(c: Consumer): void {
    const wanted = (c.keySharedMeta?.hashRanges ?? []).map((r) => ({ start: r.start, end: r.end }));
    if (wanted.length === 0) throw assignError('Ranges for KeyShared policy must not be empty.');
    for (const r of wanted) {
      if (
        !Number.isInteger(r.start) ||
        !Number.isInteger(r.end) ||
        r.start < 0 ||
        r.end >= RANGE_SIZE ||
        r.start > r.end
      ) {
        throw assignError(
          `Invalid range [${r.start}, ${r.end}]: ranges must lie within [0, ${RANGE_SIZE - 1}]`,
        );
      }
    }
    const sorted = [...wanted].sort((a, b) => a.start - b.start);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i].start <= sorted[i - 1].end)
        throw assignError(
          `Ranges [${sorted[i - 1].start}, ${sorted[i - 1].end}] and [${sorted[i].start}, ${sorted[i].end}] overlap`,
        );
    }
    for (const r of sorted) {
      const clash = this.ranges.find((o) => o.start <= r.end && r.start <= o.end);
      if (clash) {
        throw assignError(
          `Range [${r.start}, ${r.end}] overlaps [${clash.start}, ${clash.end}] of consumer ${clash.consumer.name}`,
        );
      }
    }
    this.ranges = [...this.ranges, ...sorted.map((r) => ({ ...r, consumer: c }))].sort(
      (a, b) => a.start - b.start,
    );
  }

  removeConsumer(c: Consumer): void {
    this.ranges = this.ranges.filter((r) => r.consumer !== c);
  }

  assignments(): Map<Consumer, SlotRange[]> {
    const out = new Map<Consumer, SlotRange[]>();
    for (const r of this.ranges)
      out.set(r.consumer, [...(out.get(r.consumer) ?? []), { start: r.start, end: r.end }]);
    return out;
  }
}
