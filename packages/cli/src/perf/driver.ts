/**
 * The part of a Pulsar client that a perf run uses, so that the run can drive the broker through
 * any client we support (`--client`). Our own Client satisfies it as it is: the default run uses
 * it directly, with nothing wrapped per message. Other clients get an adapter (flex-driver.ts),
 * loaded only when chosen.
 */
import type { ConsumerConfig, ProducerConfig, ProducerMessage } from '@magnetar/client';
import { clientSecurityConfig } from '../security-options.js';
import type { PerfOptions } from './options.js';

export interface PerfProducer {
  /** Settles once the broker has the message (its receipt). */
  send(message: ProducerMessage): Promise<unknown>;
  /** Sends whatever the producer still holds (open batches). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface PerfMessage {
  /** Epoch milliseconds the producer stamped on the message; 0 when the client cannot tell. */
  getPublishTimestamp(): number;
  getData(): Buffer;
  /** Whatever acknowledgeId of the same consumer takes. */
  getMessageId(): unknown;
}

export interface PerfConsumer {
  /** The next message; rejects once the consumer is closed. */
  receive(): Promise<PerfMessage>;
  acknowledgeId(id: unknown): Promise<void>;
  close(): Promise<void>;
}

export interface PerfClient {
  createProducer(config: ProducerConfig): Promise<PerfProducer>;
  subscribe(config: ConsumerConfig): Promise<PerfConsumer>;
  close(): Promise<void>;
}

/** The client `--client` names, configured from the run's options (URL, credentials, TLS). */
export async function createPerfClient(opts: PerfOptions): Promise<PerfClient> {
  if (opts.client === 'pulsar-flex') {
    const { createFlexClient } = await import('./flex-driver.js');
    return createFlexClient(opts);
  }
  const { Client } = await import('@magnetar/client');
  return new Client({
    serviceUrl: opts.serviceUrl,
    ...(await clientSecurityConfig(opts.security)),
  });
}
