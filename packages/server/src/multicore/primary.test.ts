import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../config/index.js';
import { createLogger } from '../logging.js';
import { FileMetadataStore } from '../metadata/file-metadata-store.js';
import { MulticoreConfigError, startPrimary } from './primary.js';
import { WorkerCountError } from './worker-count.js';

// What the primary refuses before it forks anything (the process tests in test/multicore start it
// for real).
describe('startPrimary refusals', () => {
  const logger = createLogger({ level: 'silent' });

  it('refuses TLS listeners and advertisedListeners, naming the setting', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'magnetar-primary-'));
    try {
      const tls = { ...defaultConfig(), dataDir, tlsCertificateFilePath: '/nowhere/cert.pem' };
      await expect(startPrimary({ config: tls, logger, workers: 2 })).rejects.toThrow(MulticoreConfigError);
      await expect(startPrimary({ config: tls, logger, workers: 2 })).rejects.toThrow(
        /standaloneWorkers=2.*TLS/,
      );
      const listeners = {
        ...defaultConfig(),
        dataDir,
        advertisedListeners: 'internal:pulsar://127.0.0.1:6650',
      };
      await expect(startPrimary({ config: listeners, logger, workers: 2 })).rejects.toThrow(
        /advertisedListeners/,
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a data directory recorded with another worker count, and leaves the store closed', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'magnetar-primary-'));
    try {
      const store = await FileMetadataStore.open(join(dataDir, 'metadata'));
      await store.put('/magnetar/standalone-workers', Buffer.from('3'));
      await store.close();
      const config = { ...defaultConfig(), dataDir };
      await expect(startPrimary({ config, logger, workers: 2 })).rejects.toBeInstanceOf(WorkerCountError);
      // The store was closed again: it opens and still holds the record.
      const again = await FileMetadataStore.open(join(dataDir, 'metadata'));
      expect((await again.get('/magnetar/standalone-workers'))!.value.toString()).toBe('3');
      await again.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
