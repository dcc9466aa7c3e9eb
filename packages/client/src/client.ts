import type { Authentication } from './auth/authentication.js';
import type { ClientContext } from './client-context.js';
import { LookupService } from './connection/lookup.js';
import { ConnectionPool, parseServiceUrl } from './connection/pool.js';
import { loadClientTls, type ClientTlsConfig } from './connection/tls-options.js';
import { Consumer } from './consumer/consumer.js';
import type { ConsumerConfig } from './consumer/types.js';
import { AlreadyClosedError, InvalidConfigurationError } from './errors.js';
import { silentLogger, type Logger } from './logger.js';
import { Producer } from './producer/producer.js';
import type { ProducerConfig } from './producer/types.js';
import { Reader, type ReaderConfig } from './reader.js';
import { asSchemaError } from './schema/errors.js';
import { TableView, type TableViewConfig } from './table-view.js';
import { systemTime, type TimeSource } from './util/clock.js';

export interface ClientConfig extends ClientTlsConfig {
  /** `pulsar://host:port`, or `pulsar+ssl://host:port` for TLS, of any broker (or proxy) of the cluster. */
  serviceUrl: string;
  /** AuthenticationToken, AuthenticationBasic, AuthenticationTls, or a custom Authentication. */
  authentication?: Authentication;
  /**
   * The advertised listener whose addresses lookups should answer with (the broker's
   * advertisedListeners); the broker's internal listener if absent.
   */
  listenerName?: string;
  operationTimeoutSeconds?: number;
  connectionTimeoutMs?: number;
  keepAliveIntervalSeconds?: number;
  log?: Logger;
  /**
   * Where the client's timers (negative acks, ack timeout, chunk expiry, pattern rediscovery,
   * batching, reconnects) take time from. Real time unless a test injects a ManualClock.
   */
  time?: TimeSource;
}

/**
 * Entry point of the client: owns the connection pool and lookup, and creates producers, consumers
 * and readers. `close()` closes everything it created, then the connections.
 */
export class Client {
  private readonly ctx: ClientContext;
  private readonly pool: ConnectionPool;
  private readonly open = new Set<{ close(): Promise<void> }>();
  private closed = false;

  constructor(config: ClientConfig) {
    if (!config?.serviceUrl) throw new InvalidConfigurationError('serviceUrl is required');
    const operationTimeoutMs = (config.operationTimeoutSeconds ?? 30) * 1000;
    const log = config.log ?? silentLogger;
    const useTls = serviceUrlUsesTls(config.serviceUrl);
    if (config.authentication?.tlsCertificate && !useTls) {
      throw new InvalidConfigurationError('AuthenticationTls needs a pulsar+ssl:// serviceUrl');
    }
    this.pool = new ConnectionPool({
      connectionTimeoutMs: config.connectionTimeoutMs ?? 10_000,
      operationTimeoutMs,
      keepAliveIntervalMs: (config.keepAliveIntervalSeconds ?? 30) * 1000,
      log,
      // Files are read now, so a wrong path fails here rather than on the first connection.
      tls: useTls ? loadClientTls(config, config.authentication) : undefined,
      auth: config.authentication,
    });
    const time = config.time ?? systemTime;
    const lookup = new LookupService(this.pool, config.serviceUrl, config.listenerName, {
      time,
      operationTimeoutMs,
    });
    let producerIds = 0;
    let consumerIds = 0;
    this.ctx = {
      lookup,
      pool: this.pool,
      operationTimeoutMs,
      log,
      time,
      newProducerId: () => producerIds++,
      newConsumerId: () => consumerIds++,
      track: (c) => {
        this.open.add(c);
        return () => this.open.delete(c);
      },
    };
  }

  async createProducer<T = Buffer>(config: ProducerConfig<T>): Promise<Producer<T>> {
    this.ensureOpen();
    return Producer.create(this.ctx, config);
  }

  async subscribe<T = unknown>(config: ConsumerConfig<T>): Promise<Consumer<T>> {
    this.ensureOpen();
    try {
      return await Consumer.create(this.ctx, config);
    } catch (err) {
      throw asSchemaError(err);
    }
  }

  /** A key → latest value view of a (compacted) topic, kept up to date; see TableView. */
  async createTableView<T = Buffer>(config: TableViewConfig<T>): Promise<TableView<T>> {
    this.ensureOpen();
    const view = await TableView.create(this, config);
    view.onClose(this.ctx.track(view));
    return view;
  }

  async createReader(config: ReaderConfig): Promise<Reader> {
    this.ensureOpen();
    const reader = await Reader.create(this.ctx, config);
    return reader;
  }

  /** Number of partitions of a topic (0 when it is not partitioned). */
  async getPartitionCount(topic: string): Promise<number> {
    this.ensureOpen();
    return this.ctx.lookup.getPartitionCount(topic);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.open].map((c) => c.close()));
    await this.pool.close();
  }

  private ensureOpen(): void {
    if (this.closed) throw new AlreadyClosedError('client');
  }
}

function serviceUrlUsesTls(serviceUrl: string): boolean {
  try {
    return parseServiceUrl(serviceUrl).tls === true;
  } catch (err) {
    throw new InvalidConfigurationError((err as Error).message);
  }
}
