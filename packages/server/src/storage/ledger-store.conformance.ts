/**
 * The LedgerStore conformance suite (STYLE.md, "Tests": one suite per interface, run against every
 * implementation). Each implementation's test file calls `ledgerStoreConformance` with a factory;
 * the suite checks the contract in types.ts, including restart behaviour when `reopen` is given,
 * and a fast-check model test that runs random operation sequences against a plain in-memory model.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ledger, LedgerStore } from './types.js';

export interface ConformanceSubject {
  store: LedgerStore;
  /**
   * Restarts: closes the current store (if still open) and opens a new one over the same data.
   * After it, `cleanup` must dispose of the newest store.
   */
  reopen?: () => Promise<LedgerStore>;
  cleanup: () => Promise<void>;
}

/** Deterministic content, so a wrong entry is never mistaken for the right one. */
export function entryBytes(ledgerId: number, entryId: number, size: number): Buffer {
  const buf = Buffer.alloc(size);
  let x = (ledgerId * 2654435761 + entryId * 40503 + size) >>> 0;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    buf[i] = x >>> 24;
  }
  return buf;
}

async function appendAll(ledger: Ledger, sizes: number[]): Promise<Buffer[]> {
  const data = sizes.map((s, i) => entryBytes(ledger.id, ledger.lastAddConfirmed + 1 + i, s));
  const ids = await Promise.all(data.map((d) => ledger.append(d)));
  expect(ids).toEqual(sizes.map((_, i) => ids[0] + i));
  return data;
}

export function ledgerStoreConformance(name: string, make: () => Promise<ConformanceSubject>): void {
  describe(`LedgerStore conformance: ${name}`, () => {
    let subject: ConformanceSubject;
    beforeEach(async () => {
      subject = await make();
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('hands out increasing, distinct ledger ids', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 10; i++) ids.push((await subject.store.createLedger()).id);
      for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]);
    });

    it('assigns dense entry ids from 0 and tracks lastAddConfirmed and length', async () => {
      const ledger = await subject.store.createLedger();
      expect(ledger.lastAddConfirmed).toBe(-1);
      expect(ledger.length).toBe(0);
      for (let i = 0; i < 20; i++) {
        expect(await ledger.append(entryBytes(ledger.id, i, 10))).toBe(i);
        expect(ledger.lastAddConfirmed).toBe(i);
      }
      expect(ledger.length).toBe(200);
    });

    it('reads back exactly the bytes appended, including empty entries', async () => {
      const ledger = await subject.store.createLedger();
      const data = await appendAll(ledger, [0, 1, 150, 4096, 100_000]);
      const read = await ledger.read(0, 4);
      expect(read.map((b) => Buffer.from(b))).toEqual(data);
    });

    it('keeps what was appended even if the caller reuses its buffer', async () => {
      const ledger = await subject.store.createLedger();
      const buf = Buffer.from('first');
      const pending = ledger.append(buf);
      buf.write('XXXXX');
      await pending;
      expect((await ledger.read(0, 0))[0].toString()).toBe('first');
    });

    it('reads back handed-over entries of every size, also after a restart', async () => {
      const ledger = await subject.store.createLedger();
      const sizes = [0, 7, 4095, 4096, 5000, 70_000, 262_144, 300_000, 3];
      const data = sizes.map((n, i) => entryBytes(ledger.id, i, n));
      const ids = await Promise.all(data.map((d) => ledger.append(d, true)));
      expect(ids).toEqual(sizes.map((_, i) => i));
      expect(ledger.length).toBe(sizes.reduce((a, b) => a + b, 0));
      expect(await ledger.read(0, sizes.length - 1)).toEqual(data);
      if (subject.reopen === undefined) return;
      const store = await subject.reopen();
      subject.store = store;
      expect(await (await store.openLedger(ledger.id)).read(0, sizes.length - 1)).toEqual(data);
    });

    it('reads arbitrary ranges across many entries', async () => {
      const ledger = await subject.store.createLedger();
      const sizes = Array.from({ length: 500 }, (_, i) => (i * 37) % 700);
      const data = await appendAll(ledger, sizes);
      for (const [a, b] of [
        [0, 499],
        [0, 0],
        [499, 499],
        [17, 321],
        [250, 260],
      ]) {
        const read = await ledger.read(a, b);
        expect(read.length).toBe(b - a + 1);
        read.forEach((d, i) => expect(Buffer.compare(d, data[a + i])).toBe(0));
      }
    });

    it('rejects reads outside 0..lastAddConfirmed', async () => {
      const ledger = await subject.store.createLedger();
      await appendAll(ledger, [5, 5, 5]);
      await expect(ledger.read(0, 3)).rejects.toThrow();
      await expect(ledger.read(-1, 1)).rejects.toThrow();
      await expect(ledger.read(2, 1)).rejects.toThrow();
    });

    it('rejects appends on a closed ledger and keeps its entries; close is idempotent', async () => {
      const ledger = await subject.store.createLedger();
      const data = await appendAll(ledger, [10, 20]);
      await ledger.close();
      await ledger.close();
      await expect(ledger.append(Buffer.from('late'))).rejects.toThrow();
      expect(ledger.lastAddConfirmed).toBe(1);
      expect(await ledger.read(0, 1)).toEqual(data);
    });

    it('openLedger seals an open ledger and serves its entries; unknown ids are refused', async () => {
      const ledger = await subject.store.createLedger();
      const data = await appendAll(ledger, [30, 40, 50]);
      const opened = await subject.store.openLedger(ledger.id);
      expect(opened.lastAddConfirmed).toBe(2);
      expect(await opened.read(0, 2)).toEqual(data);
      await expect(ledger.append(Buffer.from('fenced'))).rejects.toThrow();
      await expect(subject.store.openLedger(ledger.id + 1000)).rejects.toThrow();
    });

    it('deletes ledgers; deleting a missing ledger is not an error', async () => {
      const a = await subject.store.createLedger();
      const b = await subject.store.createLedger();
      await appendAll(a, [100, 100]);
      const bData = await appendAll(b, [100]);
      await subject.store.deleteLedger(a.id);
      await subject.store.deleteLedger(a.id);
      await subject.store.deleteLedger(123_456_789);
      await expect(subject.store.openLedger(a.id)).rejects.toThrow();
      await expect(a.append(Buffer.from('x'))).rejects.toThrow();
      expect(await (await subject.store.openLedger(b.id)).read(0, 0)).toEqual(bData);
    });

    it('resolves concurrent appends to many ledgers in per-ledger order', async () => {
      const ledgers = await Promise.all(Array.from({ length: 20 }, () => subject.store.createLedger()));
      const order = new Map<number, number[]>(ledgers.map((l) => [l.id, []]));
      const pending: Promise<void>[] = [];
      for (let round = 0; round < 50; round++) {
        for (const l of ledgers) {
          pending.push(
            l.append(entryBytes(l.id, round, 50 + round)).then((id) => void order.get(l.id)!.push(id)),
          );
        }
      }
      await Promise.all(pending);
      for (const l of ledgers) {
        expect(order.get(l.id)).toEqual(Array.from({ length: 50 }, (_, i) => i));
        const read = await l.read(0, 49);
        read.forEach((d, i) => expect(Buffer.compare(d, entryBytes(l.id, i, 50 + i))).toBe(0));
      }
    });

    it('stores and reads large (5 MiB) entries', async () => {
      const ledger = await subject.store.createLedger();
      const data = await appendAll(ledger, [5 * 1024 * 1024, 10, 5 * 1024 * 1024]);
      const read = await ledger.read(0, 2);
      read.forEach((d, i) => expect(Buffer.compare(d, data[i])).toBe(0));
      expect(ledger.length).toBe(10 * 1024 * 1024 + 10);
    });

    it('survives a restart: content intact, ledgers sealed, ids keep increasing, deletions kept', async (ctx) => {
      if (subject.reopen === undefined) return ctx.skip();
      const open = await subject.store.createLedger();
      const closed = await subject.store.createLedger();
      const deleted = await subject.store.createLedger();
      const openData = await appendAll(open, [10, 2000, 0, 70_000]);
      const closedData = await appendAll(closed, [1, 2, 3]);
      await closed.close();
      await appendAll(deleted, [500]);
      await subject.store.deleteLedger(deleted.id);
      const store = await subject.reopen();
      subject.store = store;
      const open2 = await store.openLedger(open.id);
      expect(open2.lastAddConfirmed).toBe(3);
      expect(open2.length).toBe(72_010);
      expect(await open2.read(0, 3)).toEqual(openData);
      await expect(open2.append(Buffer.from('sealed'))).rejects.toThrow();
      expect(await (await store.openLedger(closed.id)).read(0, 2)).toEqual(closedData);
      await expect(store.openLedger(deleted.id)).rejects.toThrow();
      expect((await store.createLedger()).id).toBeGreaterThan(deleted.id);
    });

    it('matches an in-memory model over random operation sequences', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(operation(subject.reopen !== undefined), { maxLength: 30 }),
          async (ops) => {
            await subject.cleanup();
            subject = await make();
            await runModel(subject, ops);
          },
        ),
        { numRuns: 25 },
      );
    });
  });
}

type Op =
  | { t: 'create' }
  | { t: 'append'; pick: number; sizes: number[] }
  | { t: 'close'; pick: number }
  | { t: 'open'; pick: number }
  | { t: 'delete'; pick: number }
  | { t: 'read'; pick: number; a: number; b: number }
  | { t: 'reopen' };

function operation(canReopen: boolean): fc.Arbitrary<Op> {
  const pick = fc.nat(20);
  const ops: fc.Arbitrary<Op>[] = [
    fc.constant({ t: 'create' as const }),
    fc.record({
      t: fc.constant('append' as const),
      pick,
      sizes: fc.array(fc.nat(600), { minLength: 1, maxLength: 6 }),
    }),
    fc.record({ t: fc.constant('close' as const), pick }),
    fc.record({ t: fc.constant('open' as const), pick }),
    fc.record({ t: fc.constant('delete' as const), pick }),
    fc.record({ t: fc.constant('read' as const), pick, a: fc.nat(100), b: fc.nat(100) }),
  ];
  if (canReopen) ops.push(fc.constant({ t: 'reopen' as const }));
  return fc.oneof(...ops);
}

interface ModelLedger {
  entries: Buffer[];
  state: 'open' | 'closed' | 'deleted';
  handle: Ledger;
}

async function runModel(subject: ConformanceSubject, ops: Op[]): Promise<void> {
  const model = new Map<number, ModelLedger>();
  const ids = (): number[] => [...model.keys()];
  const pick = (n: number): ModelLedger | undefined =>
    model.size === 0 ? undefined : model.get(ids()[n % model.size]);
  for (const op of ops) {
    if (op.t === 'create') {
      const handle = await subject.store.createLedger();
      for (const id of model.keys()) expect(handle.id).toBeGreaterThan(id);
      model.set(handle.id, { entries: [], state: 'open', handle });
      continue;
    }
    if (op.t === 'reopen') {
      subject.store = await subject.reopen!();
      for (const m of model.values()) {
        if (m.state === 'deleted') continue;
        m.state = 'closed';
        m.handle = await subject.store.openLedger(m.handle.id);
      }
      continue;
    }
    const m = pick(op.pick);
    if (m === undefined) continue;
    const { handle } = m;
    if (op.t === 'append') {
      const data = op.sizes.map((s, i) => entryBytes(handle.id, m.entries.length + i, s));
      if (m.state === 'open') {
        expect(await Promise.all(data.map((d) => handle.append(d)))).toEqual(
          data.map((_, i) => m.entries.length + i),
        );
        m.entries.push(...data);
      } else {
        await expect(handle.append(data[0])).rejects.toThrow();
      }
    } else if (op.t === 'close') {
      await handle.close();
      if (m.state === 'open') m.state = 'closed';
    } else if (op.t === 'open') {
      if (m.state === 'deleted') await expect(subject.store.openLedger(handle.id)).rejects.toThrow();
      else {
        m.handle = await subject.store.openLedger(handle.id);
        m.state = 'closed';
      }
    } else if (op.t === 'delete') {
      await subject.store.deleteLedger(handle.id);
      m.state = 'deleted';
    } else if (m.state === 'deleted') {
      await expect(handle.read(0, 0)).rejects.toThrow();
    } else if (m.entries.length > 0) {
      const first = op.a % m.entries.length;
      const last = first + (op.b % (m.entries.length - first));
      expect(await handle.read(first, last)).toEqual(m.entries.slice(first, last + 1));
    }
    for (const x of model.values()) {
      if (x.state === 'deleted') continue;
      expect(x.handle.lastAddConfirmed).toBe(x.entries.length - 1);
      expect(x.handle.length).toBe(x.entries.reduce((n, b) => n + b.length, 0));
    }
  }
}
