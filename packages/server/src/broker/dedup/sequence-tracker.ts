/**
 * The heart of message deduplication (Pulsar's MessageDeduplication maps): per producer name, the
 * highest sequence id handed to storage ("pushed") and the highest one known to be stored
 * ("persisted"). Pure bookkeeping, no I/O, so its rules can be checked exhaustively by tests.
 *
 * A SEND carries sequence_id (the first message of a batch) and highest_sequence_id (its last);
 * a message is a duplicate when its sequence_id is not above what the producer already pushed:
 *   - at or below the persisted one: certainly stored already (answered as a duplicate);
 *   - between persisted and pushed: the earlier copy is still being written, so whether it will be
 *     stored is not known yet ("in-flight"); the caller waits for the write and asks again.
 * Chunks of a chunked message share one sequence id; only the last chunk is checked and recorded,
 * so the earlier chunks of a resent message are stored again (the consumer assembles one copy).
 */

export type DedupVerdict =
  /** Not seen before: store it. */
  | 'new'
  /** Stored before: answer it without storing. */
  | 'duplicate'
  /** An earlier copy is being written: decide once that write has finished. */
  | 'in-flight';

/** What deduplication needs to know of one SEND (or one stored entry, during replay). */
export interface SequenceInfo {
  producerName: string;
  sequenceId: number;
  /** highest_sequence_id of a batch; the sequence id itself otherwise. */
  highestSequenceId: number;
  /** False for a chunk other than the last of its message: never checked nor recorded. */
  lastChunk: boolean;
}

export class SequenceTracker {
  private readonly pushed = new Map<string, number>();
  private readonly persisted = new Map<string, number>();

  /**
   * The verdict on a SEND; a 'new' message is recorded as pushed at once, so that a copy arriving
   * before it is stored is recognised as in flight.
   */
  check(s: SequenceInfo): DedupVerdict {
    if (!s.lastChunk) return 'new';
    const pushed = this.pushed.get(s.producerName);
    if (pushed !== undefined && s.sequenceId <= pushed) {
      const persisted = this.persisted.get(s.producerName);
      return persisted !== undefined && s.sequenceId <= persisted ? 'duplicate' : 'in-flight';
    }
    this.pushed.set(s.producerName, Math.max(s.highestSequenceId, s.sequenceId));
    return 'new';
  }

  /** A 'new' message is now stored. */
  persistedOne(s: SequenceInfo): void {
    if (!s.lastChunk) return;
    const highest = Math.max(s.highestSequenceId, s.sequenceId);
    const before = this.persisted.get(s.producerName);
    // Appends complete in order, so this only grows; max() keeps it so if a caller reorders.
    this.persisted.set(s.producerName, before === undefined ? highest : Math.max(before, highest));
  }

  /**
   * Storing a message failed: what was pushed but not stored will not be stored, so the producer
   * may send those sequence ids again (Pulsar resets "pushed" to "persisted" the same way).
   */
  failed(producerName: string): void {
    const persisted = this.persisted.get(producerName);
    if (persisted === undefined) this.pushed.delete(producerName);
    else this.pushed.set(producerName, persisted);
  }

  /** An entry found in the log during recovery: it is both pushed and stored. */
  replayed(s: SequenceInfo): void {
    if (!s.lastChunk) return;
    const highest = Math.max(s.highestSequenceId, s.sequenceId);
    this.pushed.set(s.producerName, highest);
    this.persisted.set(s.producerName, highest);
  }

  /** True if this message's sequence id is stored already. */
  isPersisted(s: SequenceInfo): boolean {
    const persisted = this.persisted.get(s.producerName);
    return persisted !== undefined && s.sequenceId <= persisted;
  }

  /** The last stored sequence id of a producer, -1 if none (CommandProducerSuccess.last_sequence_id). */
  lastPersisted(producerName: string): number {
    return this.persisted.get(producerName) ?? -1;
  }

  /** Persisted sequence ids, sorted by producer name, at most `max` of them (the snapshot). */
  snapshot(max: number): Record<string, number> {
    const names = [...this.persisted.keys()].sort().slice(0, max);
    const out: Record<string, number> = {};
    for (const n of names) out[n] = this.persisted.get(n)!;
    return out;
  }

  /** Starts over from a snapshot (recovery). */
  restore(snapshot: Readonly<Record<string, number>>): void {
    this.clear();
    for (const [name, seq] of Object.entries(snapshot)) {
      this.pushed.set(name, seq);
      this.persisted.set(name, seq);
    }
  }

  /** Forgets a producer that has been gone longer than the inactivity timeout. */
  forget(producerName: string): void {
    this.pushed.delete(producerName);
    this.persisted.delete(producerName);
  }

  clear(): void {
    this.pushed.clear();
    this.persisted.clear();
  }

  get producerCount(): number {
    return this.persisted.size;
  }
}
