import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLogger,
  defaultConfig,
  startStandalone,
  type BrokerConfig,
  type Standalone,
} from '@magnetar/server';
import { Client, type ClientConfig } from '../index.js';

export interface TestBed {
  broker: Standalone;
  client: Client;
  /** Client log lines, for tests that check what the client reported. */
  logs: string[];
  destroy(): Promise<void>;
}

/** A standalone broker on 127.0.0.1 port 0 in a fresh temp dir, and a client connected to it. */
export async function startTestBed(
  overrides: Partial<BrokerConfig> = {},
  client: Partial<ClientConfig> = {},
): Promise<TestBed> {
  const dataDir = await mkdtemp(join(tmpdir(), 'magnetar-client-it-'));
  const config: BrokerConfig = {
    ...defaultConfig(),
    dataDir,
    bindAddress: '127.0.0.1',
    brokerServicePort: 0,
    webServicePort: 0,
    logLevel: 'warn',
    ...overrides,
  };
  const broker = await startStandalone({ config, logger: createLogger({ level: 'warn' }) });
  const logs: string[] = [];
  const c = new Client({
    serviceUrl: broker.brokerServiceUrl,
    operationTimeoutSeconds: 10,
    log: (level, message) => logs.push(`${level}: ${message}`),
    ...client,
  });
  return {
    broker,
    client: c,
    logs,
    async destroy() {
      await c.close();
      await broker.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

let seq = 0;
/** A topic name no other test uses. */
export function uniqueTopic(name: string): string {
  return `persistent://public/default/${name}-${Date.now().toString(36)}-${seq++}`;
}

/** The subscription backlog the broker reports on /metrics (pulsar_subscription_back_log). */
export async function subscriptionBacklog(
  broker: Standalone,
  topic: string,
  subscription: string,
): Promise<number | undefined> {
  const text = await (await fetch(`${broker.webServiceUrl}/metrics`)).text();
  for (const line of text.split('\n')) {
    if (!line.startsWith('pulsar_subscription_back_log{')) continue;
    if (!line.includes(`topic="${topic}"`) || !line.includes(`subscription="${subscription}"`)) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
