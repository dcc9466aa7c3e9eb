import type { Position } from '../../storage/types.js';
import { comparePositions } from '../../storage/position.js';

/** An entry waiting to be delivered again, with its sticky-key slot when known (-1 otherwise). */
export interface ReplayItem {
  readonly key: string;
  readonly position: Position;
  readonly slot: number;
}

/**
 * Entries to deliver again (Pulsar's redeliveryMessages): nacked, left by a departed consumer,
 * held back by Key_Shared ordering, or due delayed messages. Kept in log order for reading, with a
 * count per sticky-key slot so that Key_Shared can tell in O(1) whether a newly read entry must
 * wait behind an earlier one of the same key.
 *
 * The ordered view is rebuilt lazily after inserts; deletes only drop the map entry, and stale
 * rows of the ordered array are skipped (and compacted once they dominate).
 */
export class ReplayQueue {
  private readonly items = new Map<string, ReplayItem>();
  private readonly slots = new Map<number, number>();
  private ordered: ReplayItem[] = [];
  private dirty = false;

  get size(): number {
    return this.items.size;
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  /** True if some entry of this slot waits here. */
  hasSlot(slot: number): boolean {
    return slot >= 0 && this.slots.has(slot);
  }

  add(key: string, position: Position, slot = -1): void {
    const prev = this.items.get(key);
    if (prev) {
      if (prev.slot >= 0 || slot < 0) return;
      this.forgetSlot(prev.slot);
    }
    const item = { key, position, slot };
    this.items.set(key, item);
    if (slot >= 0) this.slots.set(slot, (this.slots.get(slot) ?? 0) + 1);
    this.ordered.push(item);
    this.dirty = true;
  }

  delete(key: string): boolean {
    const item = this.items.get(key);
    if (!item) return false;
    this.items.delete(key);
    this.forgetSlot(item.slot);
    return true;
  }

  /** Drops every entry at or before `p` (acknowledged cumulatively). */
  deleteUpTo(p: Position): void {
    for (const item of this.inOrder()) {
      if (comparePositions(item.position, p) > 0) break;
      this.delete(item.key);
    }
  }

  clear(): void {
    this.items.clear();
    this.slots.clear();
    this.ordered = [];
    this.dirty = false;
  }

  /** The waiting entries in log order (a snapshot: deleting while iterating is fine). */
  inOrder(): ReplayItem[] {
    if (this.dirty || this.ordered.length > 2 * this.items.size + 64) {
      this.ordered = [...this.items.values()].sort((a, b) => comparePositions(a.position, b.position));
      this.dirty = false;
      return this.ordered.slice();
    }
    return this.ordered.filter((i) => this.items.get(i.key) === i);
  }

  private forgetSlot(slot: number): void {
    if (slot < 0) return;
    const n = (this.slots.get(slot) ?? 0) - 1;
    if (n <= 0) this.slots.delete(slot);
    else this.slots.set(slot, n);
  }
}
