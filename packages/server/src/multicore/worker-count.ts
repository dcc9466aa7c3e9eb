/**
 * The worker count a data directory was first started with, kept in the metadata store. A topic's
 * ledgers live in its owner's directory (`<dataDir>/workers/<i>/ledgers`) and the owner follows
 * from the count (ownership.ts), so a different count would send topics to workers that do not
 * hold their data. Start-up therefore refuses any count but the recorded one.
 */
import { ML_ROOT } from '../storage/managed-ledger/ml-metadata.js';
import type { MetadataStore } from '../metadata/types.js';

/** Where the count is recorded (absent: a single-process standalone, or a directory never used). */
export const WORKER_COUNT_PATH = '/magnetar/standalone-workers';

/** Start-up refused: the data directory belongs to another worker count. */
export class WorkerCountError extends Error {
  readonly code = 'WORKER_COUNT_MISMATCH';
  readonly retriable = false;
  constructor(
    readonly requested: number,
    readonly recorded: number,
    dataDir: string,
  ) {
    super(
      `standaloneWorkers is ${requested}, but the data directory ${dataDir} holds topics of a standalone ` +
        `run with standaloneWorkers=${recorded}. Each worker keeps its own topics' ledgers, so the count ` +
        `cannot change for a data directory: start with --workers ${recorded} (standaloneWorkers=${recorded}), ` +
        `or use a new data directory.`,
    );
    this.name = 'WorkerCountError';
  }
}

/**
 * Checks `requested` against the recorded count and records it on first use. A directory without a
 * record was used by a single-process standalone (count 1) if it holds any topic; one that holds
 * none may take any count. A single-process start never writes the record, so it changes nothing
 * on disk for existing users.
 */
export async function settleWorkerCount(
  store: MetadataStore,
  requested: number,
  dataDir: string,
): Promise<void> {
  const got = await store.get(WORKER_COUNT_PATH);
  if (got) {
    const recorded = Number(got.value.toString());
    if (recorded !== requested) throw new WorkerCountError(requested, recorded, dataDir);
    return;
  }
  if (requested === 1) return;
  if ((await store.children(ML_ROOT)).length > 0) throw new WorkerCountError(requested, 1, dataDir);
  await store.put(WORKER_COUNT_PATH, Buffer.from(String(requested)), { expectedVersion: -1 });
}
