import { describe, expect, it } from 'vitest';
import { MemoryMetadataStore } from '../metadata/memory-metadata-store.js';
import { settleWorkerCount, WORKER_COUNT_PATH, WorkerCountError } from './worker-count.js';

describe('settleWorkerCount', () => {
  it('records the count on first use and refuses any other afterwards, naming the setting', async () => {
    const store = new MemoryMetadataStore();
    await settleWorkerCount(store, 2, '/data');
    expect((await store.get(WORKER_COUNT_PATH))!.value.toString()).toBe('2');
    await settleWorkerCount(store, 2, '/data');
    for (const other of [1, 3]) {
      const err = await settleWorkerCount(store, other, '/data').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkerCountError);
      expect(err).toMatchObject({ code: 'WORKER_COUNT_MISMATCH', requested: other, recorded: 2 });
      expect(String(err)).toMatch(/standaloneWorkers is \d.*standaloneWorkers=2/);
    }
  });

  it('writes nothing for a single process, and treats its topics as a count of 1', async () => {
    const store = new MemoryMetadataStore();
    await settleWorkerCount(store, 1, '/data');
    expect(await store.exists(WORKER_COUNT_PATH)).toBe(false);
    await store.put('/managed-ledgers/persistent%3A%2F%2Fpublic%2Fdefault%2Ft', Buffer.from('{}'));
    await expect(settleWorkerCount(store, 2, '/data')).rejects.toMatchObject({ recorded: 1, requested: 2 });
    await settleWorkerCount(store, 1, '/data');
  });
});
