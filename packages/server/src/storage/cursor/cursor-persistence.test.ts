import { describe, expect, it } from 'vitest';
import { MemoryMetadataStore } from '../../metadata/memory-metadata-store.js';
import { ManualClock } from '../../util/clock.js';
import type { Cancel, Scheduler } from '../../util/clock.js';
import { MemoryLedgerStore } from '../memory/memory-ledger-store.js';
import { ManagedLedgerFactoryImpl } from '../managed-ledger/managed-ledger-factory.js';
import { cursorPath } from '../managed-ledger/ml-metadata.js';
import type { Position } from '../types.js';

function setup(options: { maxPersistedRanges?: number } = {}) {
  const clock = new ManualClock();
  let timers = 0;
  const scheduler: Scheduler = {
    after(ms, fn): Cancel {
      timers++;
      return clock.after(ms, fn);
    },
    every: (ms, fn) => clock.every(ms, fn),
  };
  const ledgerStore = new MemoryLedgerStore();
  const metadataStore = new MemoryMetadataStore({ clock });
  const newFactory = () =>
    new ManagedLedgerFactoryImpl({ ledgerStore, metadataStore, clock, scheduler, ...options });
  return { clock, metadataStore, newFactory, timers: () => timers };
}

describe('Cursor persistence', () => {
  it('flushes the dirty cursors of many topics with one timer and one batch', async () => {
    const { clock, metadataStore, newFactory, timers } = setup();
    const factory = newFactory();
    const topics = Array.from({ length: 50 }, (_, i) => `persistent://public/default/t${i}`);
    const positions: Position[] = [];
    for (const t of topics) {
      const ml = await factory.open(t);
      positions.push(await ml.append(Buffer.from('x')));
      await ml.openCursor('sub', 'earliest');
    }
    const before = timers();
    for (const [i, t] of topics.entries()) {
      const cursor = (await factory.open(t)).cursors().get('sub')!;
      cursor.ackCumulative(positions[i]);
      cursor.ackCumulative(positions[i]); // a second ack of a dirty cursor schedules nothing
    }
    expect(timers() - before).toBe(1);
    clock.advance(1000);
    await factory.flushCursors(); // waits for the batch the timer started
    for (const [i, t] of topics.entries()) {
      const got = await metadataStore.get(cursorPath(t, 'sub'));
      expect(JSON.parse(got!.value.toString()).markDelete).toBe(`${positions[i].ledgerId}:0`);
    }
    await factory.close();
  });

  it('persists at most maxPersistedRanges ranges; the rest are delivered again after a restart', async () => {
    const { newFactory } = setup({ maxPersistedRanges: 3 });
    let factory = newFactory();
    const ml = await factory.open('persistent://public/default/ranges');
    const ps = await Promise.all(Array.from({ length: 20 }, (_, i) => ml.append(Buffer.from([i]))));
    const cursor = await ml.openCursor('sub', 'earliest');
    // Every other entry from 1 on: ten one-entry ranges, none touching markDelete.
    cursor.ackIndividual(ps.filter((_, i) => i % 2 === 1));
    expect(cursor.ackedRanges()).toHaveLength(10);
    expect(cursor.backlog()).toBe(10);
    await factory.close();

    factory = newFactory();
    const again = (await factory.open('persistent://public/default/ranges')).cursors().get('sub')!;
    expect(again.ackedRanges()).toEqual(cursor.ackedRanges().slice(0, 3));
    expect(again.backlog()).toBe(17);
    await factory.close();
  });

  it('never writes a deleted cursor back and ignores acks after close', async () => {
    const { clock, metadataStore, newFactory } = setup();
    const factory = newFactory();
    const ml = await factory.open('persistent://public/default/del');
    const p = await ml.append(Buffer.from('a'));
    const doomed = await ml.openCursor('doomed', 'earliest');
    doomed.ackCumulative(p);
    await ml.deleteCursor('doomed');
    clock.advance(5000);
    await doomed.flush();
    expect(await metadataStore.exists(cursorPath(ml.name, 'doomed'))).toBe(false);
    expect(ml.cursors().has('doomed')).toBe(false);

    const kept = await ml.openCursor('kept', 'latest', { k: 'v' });
    expect(kept.markDeletePosition).toEqual(p);
    expect(kept.backlog()).toBe(0);
    await ml.close();
    expect(() => kept.ackCumulative(p)).not.toThrow();
    await factory.close();
  });
});
