import { murmur3_32, stickyKeyHashSlot } from '@magnetar/protocol';
import type { Consumer } from '../../subscription/consumer.js';
import type { SlotRange, StickyKeySelector } from './selector.js';

/** Lowest slot of the ring; 0 is Pulsar's STICKY_KEY_HASH_NOT_SET. */
const RING_FIRST = 1;
const RING_LAST = 65535;

/**
 * Key_Shared AUTO_SPLIT with consistent hashing, as Pulsar 4.x does it (facts §2.3): each consumer
 * puts `points` marks on a ring of slots [1, 65535], mark i at the slot of
 * murmur3_32(consumerName + "\0" + nameIndex + "\0" + i); a key belongs to the first mark at or
 * after its slot, wrapping to the lowest. The name index tells apart consumers that share a name
 * (the lowest index not in use by that name, as Pulsar's ConsumerNameIndexTracker hands out). When
 * marks of two consumers collide the first keeps it and the next takes over when it leaves.
 */
export class ConsistentHashSelector implements StickyKeySelector {
  /** Owners per ring slot, first = current owner. */
  private readonly ring = new Map<number, Consumer[]>();
  /** The ring's slots in ascending order (rebuilt on every membership change). */
  private marks: Int32Array = new Int32Array(0);
  private readonly nameIndexes = new Map<Consumer, number>();

  constructor(private readonly points: number) {}

  slotOf(murmur: number): number {
    return stickyKeyHashSlot(murmur);
  }

  select(slot: number): Consumer | undefined {
    const m = this.marks;
    if (m.length === 0) return undefined;
    let lo = 0;
    let hi = m.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (m[mid] < slot) lo = mid + 1;
      else hi = mid;
    }
    return this.ring.get(m[lo === m.length ? 0 : lo])![0];
  }

  addConsumer(c: Consumer): void {
    const index = this.allocateNameIndex(c);
    for (let i = 0; i < this.points; i++) {
      const slot = this.pointSlot(c.name, index, i);
      const owners = this.ring.get(slot);
      if (owners) owners.push(c);
      else this.ring.set(slot, [c]);
    }
    this.rebuild();
  }

  removeConsumer(c: Consumer): void {
    const index = this.nameIndexes.get(c);
    if (index === undefined) return;
    this.nameIndexes.delete(c);
    for (let i = 0; i < this.points; i++) {
      const slot = this.pointSlot(c.name, index, i);
      const owners = this.ring.get(slot);
      if (!owners) continue;
      const k = owners.indexOf(c);
      if (k >= 0) owners.splice(k, 1);
      if (owners.length === 0) this.ring.delete(slot);
    }
    this.rebuild();
  }

  assignments(): Map<Consumer, SlotRange[]> {
    const out = new Map<Consumer, SlotRange[]>();
    const m = this.marks;
    if (m.length === 0) return out;
    const add = (c: Consumer, start: number, end: number) => {
      if (start > end) return;
      const list = out.get(c) ?? [];
      list.push({ start, end });
      out.set(c, list);
    };
    let start = RING_FIRST;
    for (const slot of m) {
      add(this.ring.get(slot)![0], start, slot);
      start = slot + 1;
    }
    // Slots after the last mark wrap around to the first mark's owner.
    add(this.ring.get(m[0])![0], start, RING_LAST);
    return out;
  }

  private pointSlot(name: string, index: number, i: number): number {
    return stickyKeyHashSlot(murmur3_32(`${name}\0${index}\0${i}`));
  }

  private allocateNameIndex(c: Consumer): number {
    const used = new Set<number>();
    for (const [other, idx] of this.nameIndexes) if (other.name === c.name) used.add(idx);
    let index = 0;
    while (used.has(index)) index++;
    this.nameIndexes.set(c, index);
    return index;
  }

  private rebuild(): void {
    this.marks = Int32Array.from([...this.ring.keys()].sort((a, b) => a - b));
  }
}
