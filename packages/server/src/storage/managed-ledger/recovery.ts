/**
 * Opening a managed ledger: load its ledger list, seal the ledger that was open when the previous
 * owner stopped (the store's openLedger fences it and reports its last durable entry), drop it if
 * it holds nothing, and start a fresh ledger for appends. The new list is written with
 * compare-and-set before any append is accepted. (Pulsar: ManagedLedgerImpl.initialize.)
 */
import type { Ledger } from '../types.js';
import type { FactoryContext } from './context.js';
import { LedgerIndex } from './ledger-index.js';
import type { LedgerInfo } from './ledger-index.js';
import { MlRecordStore } from './ml-metadata.js';

export interface Recovered {
  readonly records: MlRecordStore;
  readonly index: LedgerIndex;
  readonly current: Ledger;
  readonly trimmedEntries: number;
}

export async function recoverManagedLedger(ctx: FactoryContext, name: string): Promise<Recovered> {
  const records = new MlRecordStore(ctx.metadataStore, name);
  const record = await records.load();
  const ledgers: LedgerInfo[] = record ? record.ledgers.map((l) => ({ ...l })) : [];
  const emptyLedgers: number[] = [];
  const last = ledgers[ledgers.length - 1];
  if (last) {
    const sealed = await ctx.ledgerStore.openLedger(last.ledgerId);
    last.entries = sealed.lastAddConfirmed + 1;
    last.size = sealed.length;
    await sealed.close();
    // An empty ledger at the tail is what an idle restart leaves; keeping it would grow the list forever.
    if (last.entries === 0) emptyLedgers.push(ledgers.pop()!.ledgerId);
  }
  const current = await ctx.ledgerStore.createLedger();
  ledgers.push({ ledgerId: current.id, entries: 0, size: 0, timestamp: ctx.clock.now() });
  const trimmedEntries = record?.trimmedEntries ?? 0;
  try {
    await records.update(() => ({ ledgers, trimmedEntries }));
  } catch (err) {
    await ctx.ledgerStore.deleteLedger(current.id).catch(() => undefined);
    throw err;
  }
  for (const id of emptyLedgers) await ctx.ledgerStore.deleteLedger(id);
  return { records, index: new LedgerIndex(ledgers), current, trimmedEntries };
}
