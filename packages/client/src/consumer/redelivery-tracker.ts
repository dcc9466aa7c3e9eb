import type { MessageId } from '../message-id.js';
import type { Cancel, TimeSource } from '../util/clock.js';

/**
 * A set of entries with a due time, swept by a periodic tick: the engine behind both negative acks
 * (due = nack time + the nack delay, or the back-off for the message's redelivery count) and the
 * ack timeout (due = delivery time + ackTimeoutMs). On each tick the entries that fell due go to
 * `onDue` together, once each, so the consumer sends one REDELIVER_UNACKNOWLEDGED_MESSAGES per tick
 * rather than one per message, as the Java client's NegativeAcksTracker does. The tick runs only
 * while entries are waiting.
 */
export class RedeliveryTracker {
  private readonly entries = new Map<string, { id: MessageId; dueAt: number }>();
  private cancelTick: Cancel | undefined;
  private readonly tickMs: number;

  constructor(
    private readonly defaultDelayMs: number,
    private readonly onDue: (ids: MessageId[]) => void,
    private readonly time: TimeSource,
    tickMs?: number,
  ) {
    this.tickMs = tickMs ?? Math.max(20, Math.min(defaultDelayMs / 4, 1000));
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Adds an entry due after `delayMs` (the default delay when omitted). An entry already present
   * keeps its due time unless `replace` is set: a second message of the same batch must not
   * postpone the first one's redelivery.
   */
  add(id: MessageId, options: { delayMs?: number; replace?: boolean } = {}): void {
    const key = id.entryKey();
    if (!options.replace && this.entries.has(key)) return;
    const delay = Math.max(0, options.delayMs ?? this.defaultDelayMs);
    this.entries.set(key, { id, dueAt: this.time.now() + delay });
    this.arm();
  }

  remove(entryKey: string): void {
    this.entries.delete(entryKey);
  }

  /** Removes every entry at or before `id` (a cumulative ack covers them). */
  removeUpTo(id: MessageId): void {
    for (const [key, e] of this.entries) {
      if (e.id.ledgerId < id.ledgerId || (e.id.ledgerId === id.ledgerId && e.id.entryId <= id.entryId)) {
        this.entries.delete(key);
      }
    }
  }

  clear(): void {
    this.entries.clear();
  }

  /** Collects and removes the entries that are due now. */
  sweep(): MessageId[] {
    const now = this.time.now();
    const due: MessageId[] = [];
    for (const [key, e] of this.entries) {
      if (e.dueAt <= now) {
        due.push(e.id);
        this.entries.delete(key);
      }
    }
    return due;
  }

  private arm(): void {
    if (this.cancelTick) return;
    this.cancelTick = this.time.every(this.tickMs, () => {
      const due = this.sweep();
      if (due.length > 0) this.onDue(due);
      if (this.entries.size === 0) this.stop();
    });
  }

  stop(): void {
    this.cancelTick?.();
    this.cancelTick = undefined;
  }
}
