import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryMetadataStore } from '../../metadata/memory-metadata-store.js';
import { ManualClock } from '../../util/clock.js';
import { MemoryLedgerStore } from '../memory/memory-ledger-store.js';
import type { ManagedLedgerConfig, Position } from '../types.js';
import { ManagedLedgerFactoryImpl } from './managed-ledger-factory.js';
import { cursorPath } from './ml-metadata.js';
import { FaultyLedgerStore } from '../faulty-ledger-store.js';
import { InstrumentedLedgerStore } from './testing.js';
import type { StorageEnv } from './testing.js';
import { envMakers } from './envs.js';

const TOPIC = 'persistent://public/default/t';
const msg = (i: number) => Buffer.from(`message-${String(i).padStart(4, '0')}`); // 12 bytes

describe.each(envMakers())('ManagedLedger on $name', ({ make }) => {
  let env: StorageEnv;
  let clock: ManualClock;
  let factory: ManagedLedgerFactoryImpl;
  const newFactory = (defaults: Partial<ManagedLedgerConfig> = {}, cacheSizeBytes?: number) =>
    new ManagedLedgerFactoryImpl({
      ledgerStore: env.ledgerStore,
      metadataStore: env.metadataStore,
      clock,
      scheduler: clock,
      defaults,
      cacheSizeBytes,
    });

  beforeEach(async () => {
    env = await make();
    clock = new ManualClock(1_000_000);
    factory = newFactory({ maxLedgerSizeBytes: 60 }); // five 12-byte entries per ledger
  });

  afterEach(async () => {
    await factory.close();
    await env.cleanup();
  });

  async function appendN(ml: { append(d: Uint8Array): Promise<Position> }, from: number, n: number) {
    return Promise.all(Array.from({ length: n }, (_, i) => ml.append(msg(from + i))));
  }

  it('appends in order across roll-overs and reads across ledger boundaries', async () => {
    const ml = await factory.openImpl(TOPIC);
    const positions = await appendN(ml, 0, 23);
    for (let i = 1; i < positions.length; i++) expect(positions[i]).not.toEqual(positions[i - 1]);
    expect(new Set(positions.map((p) => p.ledgerId)).size).toBeGreaterThanOrEqual(5);
    expect(ml.lastConfirmed()).toEqual(positions[22]);
    expect(ml.firstPosition()).toEqual(positions[0]);
    expect(ml.entriesAdded).toBe(23);
    expect(ml.storedBytes).toBe(23 * 12);

    const seen: string[] = [];
    let from = ml.firstPosition()!;
    for (;;) {
      const batch = await ml.read(from, 7, 1 << 20);
      if (batch.length === 0) break;
      seen.push(...batch.map((e) => e.data.toString()));
      from = ml.after(batch[batch.length - 1].position);
    }
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => msg(i).toString()));

    // A position just past a ledger's last entry reads from the next ledger's start.
    const firstLedgerLast = positions.filter((p) => p.ledgerId === positions[0].ledgerId).pop()!;
    const past = { ledgerId: firstLedgerLast.ledgerId, entryId: firstLedgerLast.entryId + 1 };
    const [next] = await ml.read(past, 1, 100);
    expect(next.position).toEqual(ml.after(firstLedgerLast));
    expect(next.position.ledgerId).toBeGreaterThan(firstLedgerLast.ledgerId);
    expect(await ml.read(ml.nextPosition(), 10, 100)).toEqual([]);
    expect(ml.countBetween({ ledgerId: 0, entryId: -1 }, ml.lastConfirmed()!)).toBe(23);
    expect(ml.countBetween(positions[3], positions[13])).toBe(10);
    // maxBytes limits a read but never below one entry.
    expect(await ml.read(positions[0], 10, 30)).toHaveLength(2);
    expect(await ml.read(positions[0], 10, 1)).toHaveLength(1);
  });

  it('reads across ledgers from the ledger store when the cache holds nothing', async () => {
    await factory.close();
    factory = newFactory({ maxLedgerSizeBytes: 60 }, 0);
    const ml = await factory.openImpl(TOPIC);
    const positions = await appendN(ml, 0, 17);
    expect(factory.cache.count).toBe(0);
    const all = await ml.read({ ledgerId: 0, entryId: 0 }, 100, 1 << 20);
    expect(all.map((e) => e.position)).toEqual(positions);
    expect(all.map((e) => e.data.toString())).toEqual(positions.map((_, i) => msg(i).toString()));
    const middle = await ml.read(positions[4], 3, 1 << 20);
    expect(middle.map((e) => e.position)).toEqual(positions.slice(4, 7));
  });

  it('returns the same instance to concurrent opens and a fresh one after close', async () => {
    const [a, b] = await Promise.all([factory.open(TOPIC), factory.open(TOPIC)]);
    expect(a).toBe(b);
    await a.append(msg(1));
    await a.close();
    await expect(a.append(msg(2))).rejects.toThrow(/closed/);
    const c = await factory.open(TOPIC);
    expect(c).not.toBe(a);
    expect(c.entriesAdded).toBe(1);
    expect(await factory.list()).toEqual([TOPIC]);
    expect(await factory.exists(TOPIC)).toBe(true);
    expect(await factory.exists('persistent://public/default/other')).toBe(false);
  });

  it('recovers entries and cursor state, acked ranges included, after a restart', async () => {
    const ml = await factory.open(TOPIC);
    const ps = await appendN(ml, 0, 12);
    const cursor = await ml.openCursor('sub', 'earliest', { owner: 'me' });
    cursor.ackIndividual([ps[0], ps[1], ps[4], ps[5], ps[9]]);
    expect(cursor.markDeletePosition).toEqual(ps[1]);
    const backlog = cursor.backlog();
    expect(backlog).toBe(7);
    await factory.close();
    await env.restart();

    factory = newFactory({ maxLedgerSizeBytes: 60 });
    const again = await factory.open(TOPIC);
    expect(again.entriesAdded).toBe(12);
    const all = await again.read(again.firstPosition()!, 100, 1 << 20);
    expect(all.map((e) => e.data.toString())).toEqual(ps.map((_, i) => msg(i).toString()));
    const c2 = again.cursors().get('sub')!;
    expect(c2.markDeletePosition).toEqual(ps[1]);
    expect(c2.ackedRanges()).toEqual(cursor.ackedRanges());
    expect(c2.properties).toEqual({ owner: 'me' });
    expect(c2.backlog()).toBe(backlog);
    // New appends go to a new ledger after everything recovered.
    const p = await again.append(msg(12));
    expect(p.ledgerId).toBeGreaterThan(ps[11].ledgerId);
    expect(c2.backlog()).toBe(backlog + 1);
  });

  it('keeps flushed cursor state across a crash and loses at most the last flush window', async () => {
    const ml = await factory.open(TOPIC);
    const ps = await appendN(ml, 0, 6);
    const cursor = await ml.openCursor('sub', 'earliest');
    cursor.ackCumulative(ps[2]);
    clock.advance(1000);
    await factory.flushCursors();
    cursor.ackCumulative(ps[4]); // not flushed before the "crash"
    await env.restart(); // no close: the factory is abandoned

    factory = newFactory({ maxLedgerSizeBytes: 60 });
    const again = await factory.open(TOPIC);
    expect(again.lastConfirmed()).toEqual(ps[5]);
    expect(again.cursors().get('sub')!.markDeletePosition).toEqual(ps[2]);
  });

  it('flushes dirty cursors once per interval with one timer', async () => {
    const ml = await factory.open(TOPIC, { cursorFlushIntervalMs: 500 });
    const ps = await appendN(ml, 0, 3);
    const cursor = await ml.openCursor('sub', 'earliest');
    const stored = async () => {
      const got = await env.metadataStore.get(cursorPath(TOPIC, 'sub'));
      return JSON.parse(got!.value.toString()) as { markDelete: string };
    };
    cursor.ackCumulative(ps[0]);
    clock.advance(499);
    await settle();
    expect((await stored()).markDelete).not.toBe(`${ps[0].ledgerId}:${ps[0].entryId}`);
    clock.advance(1);
    await vi.waitFor(async () =>
      expect((await stored()).markDelete).toBe(`${ps[0].ledgerId}:${ps[0].entryId}`),
    );
    cursor.ackCumulative(ps[2]);
    await cursor.flush();
    expect((await stored()).markDelete).toBe(`${ps[2].ledgerId}:${ps[2].entryId}`);
  });

  it('trims only ledgers every cursor has consumed, metadata first, never the current ledger', async () => {
    const ml = await factory.openImpl(TOPIC);
    const ps = await appendN(ml, 0, 17);
    await ml.trimConsumedLedgers(); // no cursor: keep everything
    expect(ml.entriesAdded).toBe(17);
    const ledgersBefore = ml.ledgerIds;
    const fast = await ml.openCursor('fast', 'earliest');
    const slow = await ml.openCursor('slow', 'earliest');
    fast.ackCumulative(ps[16]);
    slow.ackCumulative(ps[7]);
    await ml.trimConsumedLedgers();
    const firstKept = ps[8].ledgerId === ps[7].ledgerId ? ps[7].ledgerId : ps[8].ledgerId;
    expect(ml.ledgerIds[0]).toBe(firstKept);
    expect(ml.firstPosition()!.ledgerId).toBe(firstKept);
    for (const id of ledgersBefore.filter((id) => id < firstKept)) {
      await expect(env.ledgerStore.openLedger(id)).rejects.toThrow();
    }
    expect(ml.entriesAdded).toBe(17);
    expect(slow.backlog()).toBe(9);
    slow.ackCumulative(ps[16]);
    await ml.trimConsumedLedgers();
    // Only the current ledger is left, with the two entries appended since the last roll-over.
    expect(ml.ledgerIds).toEqual([ledgersBefore[ledgersBefore.length - 1]]);
    expect(ml.firstPosition()).toEqual(ps[15]);
    expect(ml.storedBytes).toBe(24);
    const p = await ml.append(msg(17));
    expect(slow.backlog()).toBe(1);
    expect((await ml.read(ml.after(slow.markDeletePosition), 5, 100))[0].position).toEqual(p);
  });

  it('rolls over by age and keeps appends made during the roll in order', async () => {
    const ml = await factory.openImpl(TOPIC, { maxLedgerSizeBytes: 1 << 20, maxLedgerAgeMs: 1000 });
    const first = await ml.append(msg(0));
    clock.advance(1000);
    const ps = await appendN(ml, 1, 50);
    expect(ps[0].ledgerId).toBeGreaterThan(first.ledgerId);
    expect(ps.every((p, i) => i === 0 || p.entryId === ps[i - 1].entryId + 1)).toBe(true);
    const small = await factory.openImpl('persistent://public/default/small', { maxLedgerSizeBytes: 1 });
    const many = await appendN(small, 0, 30);
    const read = await small.read(small.firstPosition()!, 100, 1 << 20);
    expect(read.map((e) => e.data.toString())).toEqual(many.map((_, i) => msg(i).toString()));
    expect(small.ledgerIds.length).toBeGreaterThanOrEqual(30);
  });

  it('calls onAppend listeners in order after each durable append', async () => {
    const ml = await factory.open(TOPIC);
    const seen: Position[] = [];
    const off = ml.onAppend((p) => seen.push(p));
    const ps = await appendN(ml, 0, 8);
    off();
    await ml.append(msg(9));
    expect(seen).toEqual(ps);
  });

  it('finds the first entry matching a monotone predicate by binary search', async () => {
    const ml = await factory.open(TOPIC);
    const ps = await appendN(ml, 0, 19);
    expect(await ml.findFirst((e) => e.data.toString() >= msg(11).toString())).toEqual(ps[11]);
    expect(await ml.findFirst(() => true)).toEqual(ps[0]);
    expect(await ml.findFirst(() => false)).toBeNull();
  });

  it('deletes ledgers, cursors and metadata', async () => {
    const ml = await factory.openImpl(TOPIC);
    await appendN(ml, 0, 12);
    await ml.openCursor('sub', 'latest');
    const ids = ml.ledgerIds;
    await ml.delete();
    expect(await factory.exists(TOPIC)).toBe(false);
    expect(await env.metadataStore.exists(cursorPath(TOPIC, 'sub'))).toBe(false);
    for (const id of ids) await expect(env.ledgerStore.openLedger(id)).rejects.toThrow();
    const fresh = await factory.open(TOPIC);
    expect(fresh.entriesAdded).toBe(0);
    expect(fresh.cursors().size).toBe(0);
  });
});

describe('ManagedLedger cache and failures', () => {
  it('serves tailing reads from the shared cache and old reads from the store', async () => {
    const store = new InstrumentedLedgerStore(new MemoryLedgerStore());
    const clock = new ManualClock();
    const factory = new ManagedLedgerFactoryImpl({
      ledgerStore: store,
      metadataStore: new MemoryMetadataStore({ clock }),
      clock,
      scheduler: clock,
      cacheSizeBytes: 10 * 12,
    });
    const ml = await factory.open(TOPIC);
    const ps = await Promise.all(Array.from({ length: 30 }, (_, i) => ml.append(msg(i))));
    const tail = await ml.read(ps[25], 5, 1 << 20);
    expect(tail).toHaveLength(5);
    expect(store.reads).toBe(0);
    expect(factory.cache.sizeBytes).toBeLessThanOrEqual(120);
    const head = await ml.read(ps[0], 5, 1 << 20);
    expect(head.map((e) => e.data.toString())).toEqual([0, 1, 2, 3, 4].map((i) => msg(i).toString()));
    expect(store.reads).toBeGreaterThan(0);
    await factory.close();
  });

  it('pipelines appends: many are in flight at once, not one after another', async () => {
    const clock = new ManualClock();
    const store = new FaultyLedgerStore(new MemoryLedgerStore(), { appendLatencyMs: 20 });
    const factory = new ManagedLedgerFactoryImpl({
      ledgerStore: store,
      metadataStore: new MemoryMetadataStore({ clock }),
      clock,
      scheduler: clock,
    });
    const ml = await factory.open(TOPIC);
    const started = performance.now();
    const ps = await Promise.all(Array.from({ length: 50 }, (_, i) => ml.append(msg(i))));
    // Serial appends would take 50 × 20 ms; pipelined ones take about one latency.
    expect(performance.now() - started).toBeLessThan(500);
    expect(ps.map((p) => p.entryId)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    await factory.close();
  });

  it('fails the failed append and later ones, then recovers on reopen', async () => {
    const store = new InstrumentedLedgerStore(new MemoryLedgerStore());
    const clock = new ManualClock();
    const meta = new MemoryMetadataStore({ clock });
    const factory = new ManagedLedgerFactoryImpl({
      ledgerStore: store,
      metadataStore: meta,
      clock,
      scheduler: clock,
    });
    const ml = await factory.open(TOPIC);
    store.failAppendsAfter = 3;
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => ml.append(msg(i))));
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
      'rejected',
    ]);
    await expect(ml.append(msg(7))).rejects.toThrow(/failed/);
    store.failAppendsAfter = Infinity;
    await ml.close();
    const again = await factory.open(TOPIC);
    expect(again.entriesAdded).toBe(3);
    await again.append(msg(8));
    expect(again.entriesAdded).toBe(4);
    await factory.close();
  });
});

/** Lets promise chains started by timers run to completion. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}
