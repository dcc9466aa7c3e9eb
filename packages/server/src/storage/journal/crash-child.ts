/**
 * Child process of crash.test.ts (run with vite-node): opens a DiskLedgerStore in the directory
 * given as argv[2], appends to several ledgers with many appends in flight, and prints
 * `ack <ledgerId> <entryId>` for every acknowledged append until it is killed. Small segments make
 * the parent's SIGKILL land in any phase: group commit, segment roll, catalog write.
 */
import { CRASH_IN_FLIGHT, CRASH_LEDGERS, crashEntryBytes } from './crash-fixture.js';
import { DiskLedgerStore } from './disk-ledger-store.js';
import type { Ledger } from '../types.js';

async function writeForever(ledger: Ledger): Promise<never> {
  let next = 0;
  const inFlight = new Set<Promise<void>>();
  for (;;) {
    while (inFlight.size < CRASH_IN_FLIGHT) {
      const entryId = next++;
      const p: Promise<void> = ledger.append(crashEntryBytes(ledger.id, entryId)).then((id) => {
        if (id !== entryId) throw new Error(`ledger ${ledger.id}: expected entry ${entryId}, got ${id}`);
        process.stdout.write(`ack ${ledger.id} ${id}\n`);
        inFlight.delete(p);
      });
      inFlight.add(p);
    }
    await Promise.race(inFlight);
  }
}

const dir = process.argv[2];
const store = await DiskLedgerStore.open({ dir, segmentSizeBytes: 1024 * 1024 });
const ledgers: Ledger[] = [];
for (let i = 0; i < CRASH_LEDGERS; i++) ledgers.push(await store.createLedger());
process.stdout.write(`ready ${ledgers.map((l) => l.id).join(' ')}\n`);
await Promise.all(ledgers.map(writeForever));
