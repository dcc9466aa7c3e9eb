/**
 * The catalog: a small file (`catalog.json`) replaced atomically at every segment roll and clean
 * close. It holds the ledgers that exist and the segment from which the journal must be replayed,
 * so lifecycle records in older segments are never needed again and those segments can be deleted.
 * It is written rarely (never per append), so JSON is fine here.
 */
import path from 'node:path';
import { StorageCorruptError } from './errors.js';
import { readFileIfExists, writeFileAtomic } from './files.js';

export interface CatalogLedger {
  id: number;
  closed: boolean;
  /** Last entry id of a closed ledger (checked against the index on open); -1 while open. */
  lastEntryId: number;
}

export interface Catalog {
  /** The next ledger id to hand out; ids only grow, even across deletions. */
  nextLedgerId: number;
  /** Segments from this one on are replayed (scanned) on open; older ones are indexed and final. */
  replayFromSegment: number;
  ledgers: CatalogLedger[];
}

interface CatalogFile {
  version: 1;
  nextLedgerId: number;
  replayFromSegment: number;
  /** [id, closed ? 1 : 0, lastEntryId] */
  ledgers: [number, number, number][];
}

const CATALOG_FILE = 'catalog.json';

export function emptyCatalog(): Catalog {
  return { nextLedgerId: 1, replayFromSegment: 0, ledgers: [] };
}

export async function loadCatalog(dir: string): Promise<Catalog> {
  const raw = await readFileIfExists(path.join(dir, CATALOG_FILE));
  if (raw === null) return emptyCatalog();
  let file: CatalogFile;
  try {
    file = JSON.parse(raw.toString('utf8')) as CatalogFile;
  } catch (err) {
    // The file is only ever replaced by rename, so a parse failure is real damage, not a torn write.
    throw new StorageCorruptError(
      `catalog ${path.join(dir, CATALOG_FILE)} is unreadable: ${(err as Error).message}`,
    );
  }
  if (file.version !== 1)
    throw new StorageCorruptError(`catalog version ${String(file.version)} is not supported`);
  return {
    nextLedgerId: file.nextLedgerId,
    replayFromSegment: file.replayFromSegment,
    ledgers: file.ledgers.map(([id, closed, lastEntryId]) => ({ id, closed: closed === 1, lastEntryId })),
  };
}

export async function saveCatalog(dir: string, catalog: Catalog): Promise<void> {
  const file: CatalogFile = {
    version: 1,
    nextLedgerId: catalog.nextLedgerId,
    replayFromSegment: catalog.replayFromSegment,
    ledgers: catalog.ledgers.map((l) => [l.id, l.closed ? 1 : 0, l.lastEntryId]),
  };
  await writeFileAtomic(path.join(dir, CATALOG_FILE), Buffer.from(JSON.stringify(file)));
}
