import { mkdtemp, readdir, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import pino from 'pino';
import type { Position } from '../../storage/types.js';
import { ManualClock } from '../../util/clock.js';
import { BucketStore } from './bucket-store.js';
import { DelayedDeliveryTracker } from './delayed-tracker.js';

const log = pino({ level: 'silent' });
const T0 = 1_000_000;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'magnetar-delayed-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function tracker(
  clock: ManualClock,
  opts: { bucketSize?: number; segmentSize?: number; store?: boolean; tickMs?: number } = {},
) {
  const t = new DelayedDeliveryTracker({
    clock,
    scheduler: clock,
    tickMs: opts.tickMs ?? 100,
    bucketSize: opts.bucketSize ?? 1000,
    segmentSize: opts.segmentSize ?? 10,
    store: opts.store === false ? undefined : new BucketStore(dir),
    log,
  });
  let due = 0;
  t.onDue = () => due++;
  return { t, dues: () => due };
}

const pos = (i: number): Position => ({ ledgerId: 7 + Math.floor(i / 1000), entryId: i % 1000 });
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
};
/** Waits (in real time) for file I/O the tracker started. */
async function waitFor(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; !cond(); i++) {
    if (i > 1000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Pops everything due now, repeatedly (a dispatcher with unlimited permits). */
function popAll(t: DelayedDeliveryTracker): Position[] {
  const out: Position[] = [];
  for (let got = t.popDue(50); got.length > 0; got = t.popDue(50)) out.push(...got);
  return out;
}

describe('DelayedDeliveryTracker', () => {
  it('holds messages until their time and fires at most once per tick', async () => {
    const clock = new ManualClock(T0);
    const { t, dues } = tracker(clock, { store: false, tickMs: 100 });
    await t.whenReady();
    t.add(pos(0), T0 + 250);
    t.add(pos(1), T0 + 50);
    t.add(pos(2), T0 + 60);
    expect(t.size).toBe(3);
    expect(t.popDue(10)).toEqual([]);
    clock.advance(49);
    expect(dues()).toBe(0);
    clock.advance(1);
    expect(dues()).toBe(1);
    expect(t.popDue(10)).toEqual([pos(1)]);
    // 60 is due, but the timer waits a tick after the last firing (at 50): next at 150.
    clock.advance(20);
    expect(dues()).toBe(1);
    clock.advance(80);
    expect(dues()).toBe(2);
    expect(t.popDue(10)).toEqual([pos(2)]);
    clock.advance(100);
    expect(t.popDue(10)).toEqual([pos(0)]);
    expect(t.size).toBe(0);
  });

  it('delivers any mix of times in time order, spilling buckets to disk with bounded memory', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 400 }),
        async (delays) => {
          await rm(dir, { recursive: true, force: true });
          const clock = new ManualClock(T0);
          const { t } = tracker(clock, { bucketSize: 50, segmentSize: 10 });
          await t.whenReady();
          delays.forEach((d, i) => t.add(pos(i), T0 + d));
          await settle();
          // In memory: at most one open bucket plus the loaded segments, whatever was added.
          expect(t.memoryBytes).toBeLessThan(64 * 1024);
          const out: { at: number; p: Position }[] = [];
          while (t.size > 0) {
            clock.advance(997);
            await settle();
            for (const p of popAll(t)) out.push({ at: clock.now(), p });
          }
          expect(out).toHaveLength(delays.length);
          const byKey = new Map(delays.map((d, i) => [`${pos(i).ledgerId}:${pos(i).entryId}`, T0 + d]));
          for (const o of out) {
            const due = byKey.get(`${o.p.ledgerId}:${o.p.entryId}`)!;
            expect(o.at).toBeGreaterThanOrEqual(due);
            expect(o.at - due).toBeLessThan(997 + 1000);
          }
          await t.close();
        },
      ),
      { numRuns: 25 },
    );
  });

  it('survives a restart: sealed buckets and indexedUpTo come back, nothing is indexed twice', async () => {
    const clock = new ManualClock(T0);
    const first = tracker(clock, { bucketSize: 40, segmentSize: 8 }).t;
    await first.whenReady();
    for (let i = 0; i < 100; i++) first.add(pos(i), T0 + 10_000 + i * 10);
    first.markIndexed(pos(150));
    await first.close();
    const again = tracker(clock, { bucketSize: 40, segmentSize: 8 });
    await again.t.whenReady();
    expect(again.t.size).toBe(100);
    expect(again.t.covers(pos(150))).toBe(true);
    expect(again.t.covers(pos(151))).toBe(false);
    clock.advance(10_000 + 99 * 10);
    const out: Position[] = [];
    await waitFor(() => {
      out.push(...popAll(again.t));
      return out.length === 100;
    }, 'every held message');
    // Due messages from different buckets may interleave; each comes out exactly once.
    const key = (p: Position) => p.ledgerId * 1e6 + p.entryId;
    expect(out.map(key).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => key(pos(i))));
    await again.t.close();
    // Fully delivered buckets are deleted.
    expect((await readdir(dir)).filter((f) => f.startsWith('bucket-'))).toEqual([]);
  });

  it('after a crash keeps only sealed buckets and re-indexes after their last position', async () => {
    const clock = new ManualClock(T0);
    const crashed = tracker(clock, { bucketSize: 30, segmentSize: 10 }).t;
    await crashed.whenReady();
    for (let i = 0; i < 70; i++) crashed.add(pos(i), T0 + 5000);
    await crashed.flushed();
    await crashed.flushed();
    // No close(): the 10 messages of the open bucket are lost with the process.
    const again = tracker(clock, { bucketSize: 30, segmentSize: 10 }).t;
    await again.whenReady();
    expect(again.size).toBe(60);
    expect(again.covers(pos(59))).toBe(true);
    expect(again.covers(pos(60))).toBe(false);
    await again.close();
  });

  it('drops a damaged index and starts over rather than trusting it', async () => {
    const clock = new ManualClock(T0);
    const t1 = tracker(clock, { bucketSize: 20, segmentSize: 5 }).t;
    await t1.whenReady();
    for (let i = 0; i < 45; i++) t1.add(pos(i), T0 + 1000);
    await t1.close();
    const file = join(
      dir,
      (await readdir(dir)).find((f) => f.startsWith('bucket-'))!,
    );
    const bytes = await readFile(file);
    bytes[bytes.length - 3] ^= 0xff;
    await writeFile(file, bytes);
    // The header is intact, so the damage shows only when the segment is read: the tracker then
    // resets and asks for the log to be read again.
    const t2 = tracker(clock, { bucketSize: 20, segmentSize: 5 }).t;
    let lost = 0;
    t2.onLost = () => lost++;
    await t2.whenReady();
    clock.advance(1000);
    await waitFor(() => {
      popAll(t2);
      return lost > 0;
    }, 'the damaged segment to be noticed');
    await t2.whenReady();
    expect(lost).toBe(1);
    expect(t2.size).toBe(0);
    expect(t2.covers(pos(0))).toBe(false);
    await t2.close();
  });

  it('forgets everything on reset (SEEK)', async () => {
    const clock = new ManualClock(T0);
    const { t } = tracker(clock, { bucketSize: 10 });
    await t.whenReady();
    for (let i = 0; i < 25; i++) t.add(pos(i), T0 + 100);
    await t.reset();
    expect(t.size).toBe(0);
    expect(t.covers(pos(0))).toBe(false);
    expect(await readdir(dir).catch(() => [])).toEqual([]);
    t.add(pos(30), T0 + 100);
    clock.advance(100);
    expect(popAll(t)).toEqual([pos(30)]);
    await t.close();
  });
});
