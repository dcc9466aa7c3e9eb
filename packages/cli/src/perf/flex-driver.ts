/**
 * `--client pulsar-flex`: the perf run's client (driver.ts) over pulsar-flex, the npm pure-JS Pulsar
 * client, so the broker is measured as a client we did not write drives it. Loaded (and pulsar-flex
 * with it) only when that client is chosen.
 *
 * What pulsar-flex gives, and so what a run through it measures:
 * - Every producer and every consumer opens its own connection (pulsar-flex has no shared client);
 *   the client has nothing to close of its own.
 * - Each message is sent as its own entry (no batching, no compression). Sends may overlap (receipts
 *   are matched by sequence id), so the run's --max-pending window applies as for our client.
 * - Consuming is push-based: pulsar-flex hands one message at a time to an onMessage callback and
 *   takes the next from its receive queue once the callback's promise settles. receive() bridges
 *   that with a one-message hand-over, so the backlog stays in pulsar-flex's receive queue (bounded by
 *   --receiver-queue-size, its flow permits) and not here. When that queue is empty pulsar-flex
 *   looks again after 1 s, which shows in the e2e latency of a run that keeps up.
 * - The e2e latency uses the publish_time from each message's metadata, which pulsar-flex hands
 *   over (its producer stamps Date.now() at send). For an entry batched by another client,
 *   pulsar-flex hands over only the single message's metadata, which has no publish_time: such
 *   messages count but record no latency.
 * - Acknowledging is individual, through the `ack` of each message.
 * - Closing a consumer drops it (its connection) but keeps the subscription, as our client's close
 *   does; pulsar-flex only has unsubscribe, so this goes through its internals, named below.
 */
import type { ConsumerConfig, ProducerConfig, ProducerMessage, SubscriptionType } from '@magnetar/client';
import { resolveToken } from '../security-options.js';
import type { PerfClient, PerfConsumer, PerfMessage, PerfProducer } from './driver.js';
import { flexDiscoveryServer, type PerfOptions } from './options.js';

export const FLEX_NOT_INSTALLED =
  '--client pulsar-flex needs the npm package pulsar-flex: npm install pulsar-flex';

/** A socket of pulsar-flex's (its connection object). */
interface FlexConnection {
  close(): void;
}

/** The internal client every pulsar-flex producer and consumer holds. */
interface FlexInnerClient {
  getCnx(): FlexConnection | null;
}

interface FlexProducerInstance {
  create(): Promise<unknown>;
  sendMessage(message: { payload: Buffer }): Promise<unknown>;
  close(): Promise<unknown>;
  _client?: FlexInnerClient;
}

interface FlexDelivery {
  message: Buffer;
  metadata: { publishTime?: number };
  ack(options?: { type?: number }): Promise<unknown>;
}

interface FlexConsumerInstance {
  subscribe(): Promise<void>;
  run(params: { onMessage: (d: FlexDelivery) => Promise<void>; autoAck: boolean }): Promise<void>;
  unsubscribe(): Promise<void>;
  _cleanState?: () => void;
  _setState?: (state: string) => void;
  _client?: FlexInnerClient;
}

export interface FlexModule {
  Producer: (new (options: Record<string, unknown>) => FlexProducerInstance) & {
    ACCESS_MODES: Record<string, number>;
  };
  Consumer: (new (options: Record<string, unknown>) => FlexConsumerInstance) & {
    SUB_TYPES: Record<string, number>;
    INITIAL_POSITION: Record<string, number>;
    CONSUMER_STATES: Record<string, string>;
  };
  logLevel: Record<string, number>;
}

/** A variable, so that TypeScript does not look for type declarations pulsar-flex has none of. */
const FLEX_PACKAGE: string = 'pulsar-flex';

/** Imports pulsar-flex (a CommonJS package), or fails with how to install it. */
export async function loadFlex(specifier: string = FLEX_PACKAGE): Promise<FlexModule> {
  let mod: { default?: FlexModule };
  try {
    mod = (await import(specifier)) as { default?: FlexModule };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_MODULE_NOT_FOUND' && e.message.includes(specifier)) {
      throw new Error(FLEX_NOT_INSTALLED);
    }
    throw err;
  }
  return mod.default ?? (mod as unknown as FlexModule);
}

const SUB_TYPES: Record<SubscriptionType, string> = {
  Exclusive: 'EXCLUSIVE',
  Shared: 'SHARED',
  Failover: 'FAILOVER',
  KeyShared: 'KEY_SHARED',
};

class FlexProducer implements PerfProducer {
  constructor(private readonly producer: FlexProducerInstance) {}

  send(message: ProducerMessage): Promise<unknown> {
    return this.producer.sendMessage({ payload: message.data });
  }

  /** Nothing is held back: every message went out when sent. */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  /** Closes the producer, then its connection (pulsar-flex's close leaves the socket open). */
  async close(): Promise<void> {
    try {
      await this.producer.close();
    } finally {
      this.producer._client?.getCnx()?.close();
    }
  }
}

/** A message as pulsar-flex delivered it; it is its own id, acknowledged through its `ack`. */
class FlexMessage implements PerfMessage {
  constructor(private readonly delivery: FlexDelivery) {}

  getPublishTimestamp(): number {
    return Number(this.delivery.metadata.publishTime ?? 0);
  }

  getData(): Buffer {
    return this.delivery.message;
  }

  getMessageId(): unknown {
    return this;
  }

  ack(): Promise<unknown> {
    return this.delivery.ack();
  }
}

class FlexConsumerClosedError extends Error {
  override readonly name = 'FlexConsumerClosedError';
  constructor() {
    super('the consumer is closed');
  }
}

/** pulsar-flex's push (onMessage) as receive(): one message handed over at a time. */
class FlexConsumer implements PerfConsumer {
  /** A delivered message no receive() has taken yet, and the callback waiting on that. */
  private offered: { msg: FlexMessage; taken: () => void } | undefined;
  /** A receive() waiting for the next delivery. */
  private waiting: { resolve: (m: FlexMessage) => void; reject: (e: Error) => void } | undefined;
  private closed = false;

  constructor(
    private readonly consumer: FlexConsumerInstance,
    private readonly unsubscribedState: string,
  ) {}

  /** pulsar-flex's onMessage: settles once receive() has taken the message (back-pressure). */
  readonly onMessage = (d: FlexDelivery): Promise<void> => {
    if (this.closed) return Promise.resolve();
    const msg = new FlexMessage(d);
    const w = this.waiting;
    if (w) {
      this.waiting = undefined;
      w.resolve(msg);
      return Promise.resolve();
    }
    return new Promise((taken) => (this.offered = { msg, taken }));
  };

  receive(): Promise<PerfMessage> {
    if (this.closed) return Promise.reject(new FlexConsumerClosedError());
    const o = this.offered;
    if (o) {
      this.offered = undefined;
      o.taken();
      return Promise.resolve(o.msg);
    }
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  async acknowledgeId(id: unknown): Promise<void> {
    await (id as FlexMessage).ack();
  }

  /**
   * Drops the consumer but keeps the subscription: pulsar-flex's own way out, unsubscribe, deletes
   * it. So its internals: clear its receive state (_cleanState), mark it unsubscribed (_setState)
   * so that the closing socket does not make it resubscribe, and close its connection.
   */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.waiting?.reject(new FlexConsumerClosedError());
    this.waiting = undefined;
    this.offered?.taken();
    this.offered = undefined;
    const c = this.consumer;
    c._cleanState?.();
    c._setState?.(this.unsubscribedState);
    c._client?.getCnx()?.close();
    return Promise.resolve();
  }
}

export class FlexClient implements PerfClient {
  constructor(
    private readonly flex: FlexModule,
    private readonly discoveryServer: string,
    private readonly jwt: string | undefined,
  ) {}

  private common(): Record<string, unknown> {
    return {
      discoveryServers: [this.discoveryServer],
      ...(this.jwt !== undefined ? { jwt: this.jwt } : {}),
      logLevel: this.flex.logLevel.NOTHING,
    };
  }

  async createProducer(config: ProducerConfig): Promise<PerfProducer> {
    const { Producer } = this.flex;
    const producer = new Producer({
      ...this.common(),
      topic: config.topic,
      producerAccessMode: Producer.ACCESS_MODES.SHARED,
    });
    await producer.create();
    return new FlexProducer(producer);
  }

  async subscribe(config: ConsumerConfig): Promise<PerfConsumer> {
    const { Consumer } = this.flex;
    const type = config.subscriptionType ?? 'Exclusive';
    const position = config.subscriptionInitialPosition === 'Earliest' ? 'EARLIEST' : 'LATEST';
    const flexConsumer = new Consumer({
      ...this.common(),
      topic: config.topic,
      subscription: config.subscription,
      subType: Consumer.SUB_TYPES[SUB_TYPES[type]],
      initialPosition: Consumer.INITIAL_POSITION[position],
      ...(config.receiverQueueSize !== undefined ? { receiveQueueSize: config.receiverQueueSize } : {}),
    });
    await flexConsumer.subscribe();
    const consumer = new FlexConsumer(flexConsumer, Consumer.CONSUMER_STATES.UNSUBSCRIBED);
    await flexConsumer.run({ onMessage: consumer.onMessage, autoAck: false });
    return consumer;
  }

  /** Every producer and consumer has its own connection, closed with it: nothing left here. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The flex client for a run: its broker from --service-url, its token from the run's credentials. */
export async function createFlexClient(opts: PerfOptions): Promise<PerfClient> {
  const discoveryServer = flexDiscoveryServer(opts.serviceUrl);
  const flex = await loadFlex();
  const c = opts.security.credentials;
  const jwt = c.kind === 'token' ? await resolveToken(c.token) : undefined;
  return new FlexClient(flex, discoveryServer, jwt);
}
