import type { MessageId } from '../message-id.js';

/** The delivered, not yet acknowledged batch indexes of one entry, as a bit set. */
interface OpenBatch {
  words: Uint32Array;
  remaining: number;
}

/**
 * Tracks which messages of each delivered batch the application acknowledged. The broker keeps
 * acks per entry (batch-index acks are optional there), so an entry is acknowledged only once all
 * of its delivered messages are, as the Go client's ackTracker does.
 *
 * Acks of one batch usually come one after another, so the batch of the previous ack is kept at
 * hand: the entry's key string and the map lookup are paid once per batch, not per message.
 */
export class BatchAckTracker {
  private readonly open = new Map<string, OpenBatch>();
  private last: OpenBatch | undefined;
  private lastLedger = -1;
  private lastEntry = -1;
  private lastPartition = -1;

  /** Records the batch indexes delivered from one entry. */
  register(entryKey: string, indexes: number[]): void {
    if (indexes.length === 0) return;
    let batch = this.open.get(entryKey);
    if (!batch) {
      batch = { words: new Uint32Array(wordsFor(indexes)), remaining: 0 };
      this.open.set(entryKey, batch);
    } else {
      const need = wordsFor(indexes);
      if (need > batch.words.length) {
        const grown = new Uint32Array(need);
        grown.set(batch.words);
        batch.words = grown;
      }
    }
    for (const i of indexes) {
      const w = i >>> 5;
      const bit = 1 << (i & 31);
      if ((batch.words[w] & bit) === 0) {
        batch.words[w] |= bit;
        batch.remaining++;
      }
    }
  }

  /** Marks one message acknowledged; returns true when its whole entry is now acknowledged. */
  ack(id: MessageId): boolean {
    const index = id.batchIndex;
    if (index < 0) return true;
    let batch: OpenBatch | undefined;
    if (
      this.last &&
      id.ledgerId === this.lastLedger &&
      id.entryId === this.lastEntry &&
      id.partition === this.lastPartition
    ) {
      batch = this.last;
    } else {
      batch = this.open.get(id.entryKey());
      if (!batch) return true;
      this.last = batch;
      this.lastLedger = id.ledgerId;
      this.lastEntry = id.entryId;
      this.lastPartition = id.partition;
    }
    const w = index >>> 5;
    const bit = 1 << (index & 31);
    if (w < batch.words.length && (batch.words[w] & bit) !== 0) {
      batch.words[w] &= ~bit;
      batch.remaining--;
    }
    if (batch.remaining > 0) return false;
    this.open.delete(id.entryKey());
    this.last = undefined;
    return true;
  }

  /** Forgets an entry (redelivered as a whole, or covered by a cumulative ack). */
  forget(entryKey: string): void {
    if (this.open.get(entryKey) === this.last) this.last = undefined;
    this.open.delete(entryKey);
  }

  clear(): void {
    this.open.clear();
    this.last = undefined;
  }
}

/** 32-bit words needed to hold the largest of `indexes`. */
function wordsFor(indexes: number[]): number {
  let max = 0;
  for (const i of indexes) if (i > max) max = i;
  return (max >>> 5) + 1;
}
