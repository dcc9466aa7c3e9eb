import type { Consumer } from '../../subscription/consumer.js';

/** What one consumer holds unacknowledged of one slot. */
interface Holding {
  readonly consumer: Consumer;
  entries: number;
  messages: number;
  /** When the oldest of these entries was delivered (approximately: the first still held). */
  since: number;
  /** A key of this slot, for people reading stats ("which key is stuck?"). */
  sampleKey: string;
}

/**
 * Pending (delivered, unacknowledged) entries per Key_Shared slot and the consumer holding them.
 * This is what PIP-379's "draining hashes" track: a slot whose pending entries sit at a consumer
 * other than the one the selector now maps it to is draining, and nothing more of it goes out
 * until those entries are acknowledged or come back (nack, consumer gone). Counting pending per
 * slot directly, rather than registering draining slots on each assignment change, makes the rule
 * "a key is pending at one consumer at a time" hold by construction.
 */
export class SlotPending {
  private readonly slots = new Map<number, Holding[]>();
  /** Draining slots that emptied (stats draining_hashes_cleared_total). */
  clearedTotal = 0;

  /** The consumer holding entries of `slot`, if any (the first one when out-of-order delivery is allowed). */
  holder(slot: number): Consumer | undefined {
    return this.slots.get(slot)?.[0].consumer;
  }

  add(slot: number, c: Consumer, messages: number, now: number, key: Buffer | undefined): void {
    let list = this.slots.get(slot);
    if (!list) {
      list = [];
      this.slots.set(slot, list);
    }
    const h = list.find((x) => x.consumer === c);
    if (h) {
      h.entries++;
      h.messages += messages;
      return;
    }
    list.push({ consumer: c, entries: 1, messages, since: now, sampleKey: key?.toString('utf8') ?? '' });
  }

  /** One entry of `slot` left `c`; `owner` is who the selector maps the slot to now. */
  remove(slot: number, c: Consumer, messages: number, owner: Consumer | undefined): void {
    const list = this.slots.get(slot);
    const i = list?.findIndex((x) => x.consumer === c) ?? -1;
    if (!list || i < 0) return;
    const h = list[i];
    h.entries--;
    h.messages -= messages;
    if (h.entries > 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.slots.delete(slot);
    if (h.consumer !== owner) this.clearedTotal++;
  }

  reduce(slot: number, c: Consumer, messages: number): void {
    const h = this.slots.get(slot)?.find((x) => x.consumer === c);
    if (h) h.messages -= messages;
  }

  clear(): void {
    this.slots.clear();
  }

  /** Every (slot, holding) pair. */
  *holdings(): Iterable<[number, Holding]> {
    for (const [slot, list] of this.slots) for (const h of list) yield [slot, h];
  }
}
