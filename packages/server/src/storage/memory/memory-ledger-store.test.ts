import { describe, expect, it } from 'vitest';
import { MemoryLedgerStore } from './memory-ledger-store.js';

describe('MemoryLedgerStore', () => {
  it('appends dense ids, reads back copies and seals on open', async () => {
    const store = new MemoryLedgerStore();
    const l = await store.createLedger();
    const buf = Buffer.from('a');
    const ids = await Promise.all([l.append(buf), l.append(Buffer.from('bb')), l.append(Buffer.from('ccc'))]);
    buf[0] = 0x7a; // the store must have copied the entry
    expect(ids).toEqual([0, 1, 2]);
    expect(l.lastAddConfirmed).toBe(2);
    expect(l.length).toBe(6);
    expect((await l.read(0, 2)).map((b) => b.toString())).toEqual(['a', 'bb', 'ccc']);
    await expect(l.read(2, 3)).rejects.toThrow(RangeError);
    const reopened = await store.openLedger(l.id);
    expect(reopened.lastAddConfirmed).toBe(2);
    await expect(l.append(Buffer.from('x'))).rejects.toThrow();
    const l2 = await store.createLedger();
    expect(l2.id).toBeGreaterThan(l.id);
    await store.deleteLedger(l.id);
    await store.deleteLedger(l.id);
    await expect(store.openLedger(l.id)).rejects.toThrow();
    expect(store.ledgerIds()).toEqual([l2.id]);
  });
});
