import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryMetadataStore } from '../../metadata/memory-metadata-store.js';
import { ManualClock } from '../../util/clock.js';
import { MemoryLedgerStore } from '../memory/memory-ledger-store.js';
import { ManagedLedgerFactoryImpl } from './managed-ledger-factory.js';
import type { ManagedLedgerImpl } from './managed-ledger-impl.js';

const TOPIC = 'persistent://public/default/retained';
const msg = (i: number) => Buffer.from(`message-${String(i).padStart(4, '0')}`); // 12 bytes
const MINUTE = 60_000;

describe('trimConsumedLedgers with retention', () => {
  let clock: ManualClock;
  let factory: ManagedLedgerFactoryImpl;
  let ml: ManagedLedgerImpl;

  beforeEach(async () => {
    clock = new ManualClock(1_000_000);
    factory = new ManagedLedgerFactoryImpl({
      ledgerStore: new MemoryLedgerStore(),
      metadataStore: new MemoryMetadataStore({ clock }),
      clock,
      scheduler: clock,
      defaults: { maxLedgerSizeBytes: 60 }, // five entries per ledger
    });
    ml = await factory.openImpl(TOPIC);
  });

  afterEach(async () => {
    await factory.close();
  });

  /** Appends five entries (one full ledger, which then rolls over) per minute of clock time. */
  async function fillLedgers(n: number): Promise<void> {
    for (let l = 0; l < n; l++) {
      for (let i = 0; i < 5; i++) await ml.append(msg(l * 5 + i));
      // The roll-over the fifth append started completes on a later turn.
      await new Promise((r) => setTimeout(r, 5));
      clock.advance(MINUTE);
    }
  }

  it('with no subscription, keeps sealed ledgers while within the retention time, then deletes them', async () => {
    await fillLedgers(3);
    const sealed = ml.ledgerIds.length - 1;
    expect(sealed).toBeGreaterThanOrEqual(3);
    await ml.trimConsumedLedgers({ timeMs: 10 * MINUTE, sizeBytes: -1 });
    expect(ml.ledgerIds.length - 1).toBe(sealed);
    clock.advance(10 * MINUTE);
    await ml.trimConsumedLedgers({ timeMs: 10 * MINUTE, sizeBytes: -1 });
    expect(ml.ledgerIds).toHaveLength(1);
  });

  it('keeps no consumed data at retention 0/0, and everything at -1/-1', async () => {
    await fillLedgers(3);
    const before = ml.ledgerIds.length;
    await ml.trimConsumedLedgers({ timeMs: -1, sizeBytes: -1 });
    expect(ml.ledgerIds).toHaveLength(before);
    await ml.trimConsumedLedgers({ timeMs: 0, sizeBytes: 0 });
    expect(ml.ledgerIds).toHaveLength(1);
  });

  it('deletes the oldest consumed ledgers only while the log is over the retention size', async () => {
    await fillLedgers(4); // 4 sealed ledgers of 60 bytes, plus the empty current one
    const ids = ml.ledgerIds;
    await ml.trimConsumedLedgers({ timeMs: -1, sizeBytes: 130 });
    // 240 bytes: dropping two ledgers leaves 120 ≤ 130, so exactly the two oldest go.
    expect(ml.ledgerIds).toEqual(ids.slice(2));
  });

  it('never deletes what a subscription has not consumed, whatever the retention', async () => {
    await fillLedgers(3);
    const cursor = await ml.openCursor('slow', 'earliest');
    clock.advance(60 * MINUTE);
    await ml.trimConsumedLedgers({ timeMs: 0, sizeBytes: 0 });
    expect(cursor.backlog()).toBe(15);
    expect(ml.entriesAdded - 15).toBe(0);
    const first = ml.ledgerIds[0];
    cursor.ackCumulative({ ledgerId: first, entryId: 4 });
    await ml.trimConsumedLedgers({ timeMs: 0, sizeBytes: 0 });
    expect(ml.ledgerIds[0]).not.toBe(first);
    expect(cursor.backlog()).toBe(10);
  });

  it('without retention parameters keeps the old rule: no cursor, nothing deleted', async () => {
    await fillLedgers(2);
    const before = ml.ledgerIds;
    await ml.trimConsumedLedgers();
    expect(ml.ledgerIds).toEqual(before);
  });
});
