/**
 * Test fixtures shared by the CLI's tests (not part of the build): a standalone broker on
 * ephemeral loopback ports in a temporary data directory, started before a file's tests and
 * removed after them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import {
  createLogger,
  defaultConfig,
  startStandalone,
  type BrokerConfig,
  type Standalone,
} from '@magnetar/server';

/**
 * Registers beforeAll/afterAll hooks that run a broker for the enclosing describe block; the
 * returned function gives the running broker. `prefix` names the temporary directory.
 */
export function useStandalone(prefix: string, overrides: Partial<BrokerConfig> = {}): () => Standalone {
  let broker: Standalone | undefined;
  let dataDir: string | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), `magnetar-${prefix}-`));
    const config: BrokerConfig = {
      ...defaultConfig(),
      dataDir,
      bindAddress: '127.0.0.1',
      brokerServicePort: 0,
      webServicePort: 0,
      logLevel: 'warn',
      ...overrides,
    };
    broker = await startStandalone({ config, logger: createLogger({ level: 'warn' }) });
  });
  afterAll(async () => {
    await broker?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  return () => {
    if (!broker) throw new Error('the broker is not started (use it inside a test)');
    return broker;
  };
}
