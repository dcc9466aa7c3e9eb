import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metadataStoreConformance } from './conformance.js';
import { FileMetadataStore } from './file-metadata-store.js';
import { MemoryMetadataStore } from './memory-metadata-store.js';
import type { MetadataStore } from './types.js';

metadataStoreConformance('MemoryMetadataStore', (clock) => {
  let store = new MemoryMetadataStore({ clock });
  return Promise.resolve({
    store,
    async reopen(): Promise<MetadataStore> {
      const next = store.session();
      await store.close();
      store = next;
      return next;
    },
    cleanup: () => Promise.resolve(),
  });
});

metadataStoreConformance('FileMetadataStore', async (clock) => {
  const dir = await mkdtemp(join(tmpdir(), 'magnetar-meta-'));
  // A small compaction threshold makes the reopen and model tests cross snapshots too.
  const openStore = () => FileMetadataStore.open(dir, { clock, compactionThresholdBytes: 4096 });
  let store = await openStore();
  return {
    store,
    async reopen(): Promise<MetadataStore> {
      await store.close();
      store = await openStore();
      return store;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});
