import type { MessageId } from '../message-id.js';

/**
 * A set of entries with a due time, swept by a timer: the engine behind both negative acks (due =
 * nack time + nAckRedeliverTimeoutMs) and the ack timeout (due = delivery time + ackTimeoutMs).
 * When entries fall due, `onDue` receives them (once each) so the consumer can send
 * REDELIVER_UNACKNOWLEDGED_MESSAGES for them.
 */
export class RedeliveryTracker {
  private readonly entries = new Map<string, { id: MessageId; dueAt: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly onDue: (ids: MessageId[]) => void,
    private readonly tickMs = Math.max(20, Math.min(delayMs / 4, 1000)),
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Adds an entry if absent (a second message of the same batch does not move its due time). */
  add(id: MessageId, replace = false): void {
    const key = id.entryKey();
    if (!replace && this.entries.has(key)) return;
    this.entries.set(key, { id, dueAt: this.now() + this.delayMs });
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
    const now = this.now();
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
    if (this.timer) return;
    this.timer = setInterval(() => {
      const due = this.sweep();
      if (due.length > 0) this.onDue(due);
      if (this.entries.size === 0) this.stop();
    }, this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
