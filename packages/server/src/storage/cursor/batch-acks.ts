/**
 * Batch entries acknowledged in part (Pulsar's batchDeletedIndexes): for each such entry, the
 * CommandAck.ack_set words of the batch indexes that are still unacknowledged (bit i of word w set =
 * index 64·w + i unacked). Words are kept as unsigned 64-bit bigints so that every bit survives,
 * whatever the wire's number representation does to the top bits.
 */
import type { Position } from '../types.js';
import { comparePositions } from '../position.js';

export interface BatchAckState {
  readonly ledgerId: number;
  readonly entryId: number;
  /** Words of still-unacked indexes; never all zero (such an entry is acknowledged whole). */
  readonly unacked: readonly bigint[];
}

/** What merging an ack set did to an entry. */
export type BatchMerge =
  /** Every index is now acknowledged: the caller acknowledges the entry itself. */
  | 'full'
  /** Some indexes were newly acknowledged; some remain. */
  | 'partial'
  /** Nothing new. */
  | 'unchanged';

const MASK64 = (1n << 64n) - 1n;

export class BatchAcks {
  private readonly map = new Map<string, BatchAckState>();

  get size(): number {
    return this.map.size;
  }

  get(p: Position): readonly bigint[] | undefined {
    return this.map.get(keyOf(p))?.unacked;
  }

  /**
   * Intersects the entry's unacked set with `unacked` (an index stays unacked only if both say so,
   * as Pulsar's BitSet.and does; words missing on one side count as zero).
   */
  merge(p: Position, unacked: readonly bigint[]): BatchMerge {
    const k = keyOf(p);
    const prev = this.map.get(k);
    const next = prev ? andWords(prev.unacked, unacked) : unacked.map((w) => w & MASK64);
    if (next.every((w) => w === 0n)) {
      this.map.delete(k);
      return 'full';
    }
    if (prev && prev.unacked.length === next.length && prev.unacked.every((w, i) => w === next[i])) {
      return 'unchanged';
    }
    this.map.set(k, { ledgerId: p.ledgerId, entryId: p.entryId, unacked: trimZeroTail(next) });
    return 'partial';
  }

  delete(p: Position): void {
    this.map.delete(keyOf(p));
  }

  /** Drops entries at or before `p` (markDelete moved over them). */
  removeUpTo(p: Position): void {
    if (this.map.size === 0) return;
    for (const [k, s] of this.map) if (comparePositions(s, p) <= 0) this.map.delete(k);
  }

  clear(): void {
    this.map.clear();
  }

  /** The states in position order, at most `limit`. */
  toArray(limit = Infinity): BatchAckState[] {
    return [...this.map.values()].sort(comparePositions).slice(0, limit);
  }
}

function keyOf(p: Position): string {
  return `${p.ledgerId}:${p.entryId}`;
}

function andWords(a: readonly bigint[], b: readonly bigint[]): bigint[] {
  const n = Math.min(a.length, b.length);
  const out: bigint[] = new Array<bigint>(n);
  for (let i = 0; i < n; i++) out[i] = a[i] & b[i] & MASK64;
  return out;
}

function trimZeroTail(words: bigint[]): bigint[] {
  let n = words.length;
  while (n > 0 && words[n - 1] === 0n) n--;
  return n === words.length ? words : words.slice(0, n);
}
