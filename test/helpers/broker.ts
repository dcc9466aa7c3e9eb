import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLogger,
  defaultConfig,
  startStandalone,
  type BrokerConfig,
  type Standalone,
  type StandaloneOptions,
} from '@magnetar/server';

export interface TestBroker extends Standalone {
  dataDir: string;
  /** Stops the broker and removes its data directory. */
  destroy(): Promise<void>;
}

/** Starts an in-process standalone broker on ephemeral loopback ports with a fresh data directory. */
export async function startTestBroker(
  overrides: Partial<BrokerConfig> = {},
  dataDir?: string,
  time: Pick<StandaloneOptions, 'clock' | 'scheduler'> = {},
): Promise<TestBroker> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'magnetar-test-')));
  const config: BrokerConfig = {
    ...defaultConfig(),
    dataDir: dir,
    bindAddress: '127.0.0.1',
    brokerServicePort: 0,
    webServicePort: 0,
    // TLS listeners open only when a certificate is configured; then on free ports too.
    brokerServicePortTls: 0,
    webServicePortTls: 0,
    logLevel: 'warn',
    ...overrides,
  };
  const s = await startStandalone({
    config,
    logger: createLogger({ level: process.env.MAGNETAR_TEST_LOG ?? 'silent' }),
    ...time,
  });
  return {
    ...s,
    dataDir: dir,
    async destroy() {
      await s.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
