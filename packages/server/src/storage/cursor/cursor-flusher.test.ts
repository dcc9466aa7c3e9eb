import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../util/clock.js';
import { CursorFlusher, type Flushable } from './cursor-flusher.js';

/** A cursor that records the event-loop turn (counted by setImmediate ticks) of each flush. */
function cursors(n: number, turn: { now: number }) {
  const flushedAt: number[] = new Array<number>(n).fill(-1);
  const list: Flushable[] = Array.from({ length: n }, (_, i) => ({
    flush: () => {
      flushedAt[i] = turn.now;
      return Promise.resolve();
    },
  }));
  return { list, flushedAt };
}

/** Counts event-loop turns until stopped. */
function turnCounter() {
  const turn = { now: 0, stop: false };
  const tick = () => {
    if (turn.stop) return;
    turn.now++;
    setImmediate(tick);
  };
  setImmediate(tick);
  return turn;
}

describe('CursorFlusher', () => {
  it('flushes every dirty cursor once, a slice per event-loop turn', async () => {
    const clock = new ManualClock(0);
    const errors: unknown[] = [];
    const f = new CursorFlusher(clock, clock, (e) => errors.push(e));
    const turn = turnCounter();
    const { list, flushedAt } = cursors(1000, turn);
    for (const c of list) f.markDirty(c, 1000);
    f.markDirty(list[0], 1000);
    expect(f.pending).toBe(1000);
    await f.flushAll();
    turn.stop = true;
    expect(flushedAt.every((t) => t >= 0)).toBe(true);
    // 1,000 cursors in slices of 250: four distinct turns, in order.
    const turns = [...new Set(flushedAt)];
    expect(turns).toHaveLength(4);
    expect(turns).toEqual([...turns].sort((a, b) => a - b));
    expect(errors).toEqual([]);
    expect(f.pending).toBe(0);
  });

  it('does not write a cursor forgotten while its batch is being flushed', async () => {
    const clock = new ManualClock(0);
    const f = new CursorFlusher(clock, clock, () => undefined);
    const turn = turnCounter();
    const { list, flushedAt } = cursors(600, turn);
    for (const c of list) f.markDirty(c, 1000);
    const done = f.flushAll();
    // The first slice went out synchronously; forget one of the last slice and the first of the second.
    f.forget(list[599]);
    f.forget(list[250]);
    await done;
    turn.stop = true;
    expect(flushedAt[599]).toBe(-1);
    expect(flushedAt[250]).toBe(-1);
    expect(flushedAt.filter((t) => t >= 0)).toHaveLength(598);
  });

  it('flushes when the interval ends and reports failed writes', async () => {
    const clock = new ManualClock(0);
    const errors: unknown[] = [];
    const f = new CursorFlusher(clock, clock, (e) => errors.push(e));
    let writes = 0;
    f.markDirty({ flush: () => Promise.resolve(void writes++) }, 100);
    f.markDirty({ flush: () => Promise.reject(new Error('disk full')) }, 100);
    clock.advance(99);
    await new Promise((r) => setImmediate(r));
    expect(writes).toBe(0);
    clock.advance(1);
    await new Promise((r) => setImmediate(r));
    expect(writes).toBe(1);
    expect(errors.map((e) => (e as Error).message)).toEqual(['disk full']);
  });
});
