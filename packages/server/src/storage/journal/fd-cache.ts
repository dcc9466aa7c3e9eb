/**
 * A bounded, least-recently-used set of read-only file descriptors for segment files, so a store
 * with thousands of segments keeps at most `maxOpenFiles` of them open. A descriptor in use by a
 * read is pinned (reference counted) and never closed under it; the cache may briefly exceed its
 * bound when more reads than `maxOpenFiles` run at once, and shrinks back as they finish.
 */
import { closeFd, openFd } from './files.js';

interface Slot {
  fd: Promise<number>;
  refs: number;
  /** The segment was deleted: close as soon as the last reader releases it. */
  doomed: boolean;
}

export class FdCache {
  private readonly slots = new Map<number, Slot>();

  constructor(
    private readonly pathOf: (segment: number) => string,
    private readonly maxOpenFiles: number,
  ) {}

  get size(): number {
    return this.slots.size;
  }

  /** Returns an fd for `segment`; the caller must `release(segment)` when done. */
  acquire(segment: number): Promise<number> {
    let slot = this.slots.get(segment);
    if (slot !== undefined) {
      // Re-insert to mark the slot most recently used (Map keeps insertion order).
      this.slots.delete(segment);
      this.slots.set(segment, slot);
    } else {
      slot = { fd: openFd(this.pathOf(segment), 'r'), refs: 0, doomed: false };
      this.slots.set(segment, slot);
      const opened = slot;
      opened.fd.catch(() => {
        if (this.slots.get(segment) === opened) this.slots.delete(segment);
      });
    }
    // Pin before evicting, so the slot being handed out is never the one closed.
    slot.refs++;
    this.evict();
    return slot.fd;
  }

  release(segment: number): void {
    const slot = this.slots.get(segment);
    if (slot === undefined) return;
    slot.refs--;
    if (slot.refs === 0 && slot.doomed) this.drop(segment, slot);
    else this.evict();
  }

  /** The segment file is going away: close its fd once no read uses it. */
  forget(segment: number): void {
    const slot = this.slots.get(segment);
    if (slot === undefined) return;
    slot.doomed = true;
    if (slot.refs === 0) this.drop(segment, slot);
  }

  async closeAll(): Promise<void> {
    const slots = [...this.slots.values()];
    this.slots.clear();
    await Promise.all(slots.map((s) => s.fd.then(closeFd, () => undefined)));
  }

  private evict(): void {
    if (this.slots.size <= this.maxOpenFiles) return;
    for (const [segment, slot] of this.slots) {
      if (this.slots.size <= this.maxOpenFiles) return;
      if (slot.refs === 0) this.drop(segment, slot);
    }
  }

  private drop(segment: number, slot: Slot): void {
    this.slots.delete(segment);
    slot.fd.then(closeFd, () => undefined).catch(() => undefined);
  }
}
