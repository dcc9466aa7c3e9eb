import type { MessageId } from '../message-id.js';

/**
 * Tracks which messages of each delivered batch the application acknowledged. The broker keeps
 * acks per entry (batch-index acks are optional there), so an entry is acknowledged only once all
 * of its delivered messages are, as the Go client's ackTracker does.
 */
export class BatchAckTracker {
  private readonly open = new Map<string, { remaining: Set<number> }>();

  /** Records the batch indexes delivered from one entry. */
  register(entryKey: string, indexes: number[]): void {
    if (indexes.length === 0) return;
    const existing = this.open.get(entryKey);
    if (existing) for (const i of indexes) existing.remaining.add(i);
    else this.open.set(entryKey, { remaining: new Set(indexes) });
  }

  /** Marks one message acknowledged; returns true when its whole entry is now acknowledged. */
  ack(id: MessageId): boolean {
    if (id.batchIndex < 0) return true;
    const key = id.entryKey();
    const state = this.open.get(key);
    if (!state) return true;
    state.remaining.delete(id.batchIndex);
    if (state.remaining.size > 0) return false;
    this.open.delete(key);
    return true;
  }

  /** Forgets an entry (redelivered as a whole, or covered by a cumulative ack). */
  forget(entryKey: string): void {
    this.open.delete(entryKey);
  }

  clear(): void {
    this.open.clear();
  }
}
