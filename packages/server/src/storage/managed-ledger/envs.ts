/**
 * The storage environments the managed-ledger tests run on: memory stores, and (in a temp
 * directory, with real fsync) the disk ledger store with the file metadata store.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileMetadataStore } from '../../metadata/file-metadata-store.js';
import { MemoryMetadataStore } from '../../metadata/memory-metadata-store.js';
import { DiskLedgerStore } from '../journal/index.js';
import { MemoryLedgerStore } from '../memory/memory-ledger-store.js';
import type { StorageEnv } from './testing.js';

export function memoryEnv(): Promise<StorageEnv> {
  const env: StorageEnv = {
    ledgerStore: new MemoryLedgerStore(),
    metadataStore: new MemoryMetadataStore(),
    // Memory stores outlive the "process": a restart only drops the factory that used them.
    restart: () => Promise.resolve(),
    cleanup: () => Promise.resolve(),
  };
  return Promise.resolve(env);
}

export async function diskEnv(): Promise<StorageEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'magnetar-ml-'));
  const open = async () => ({
    ledgerStore: await DiskLedgerStore.open({ dir: join(dir, 'ledgers'), groupCommitDelayMs: 0 }),
    metadataStore: await FileMetadataStore.open(join(dir, 'metadata')),
  });
  const env: StorageEnv = {
    ...(await open()),
    async restart() {
      await env.ledgerStore.close();
      await env.metadataStore.close();
      Object.assign(env, await open());
    },
    async cleanup() {
      await env.ledgerStore.close();
      await env.metadataStore.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return env;
}

export function envMakers(): { name: string; make: () => Promise<StorageEnv> }[] {
  return [
    { name: 'memory stores', make: memoryEnv },
    { name: 'disk ledger store + file metadata store', make: diskEnv },
  ];
}
