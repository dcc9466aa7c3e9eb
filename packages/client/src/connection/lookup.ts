import { PulsarClientError, serverError } from '../errors.js';
import { Backoff } from '../util/backoff.js';
import type { TimeSource } from '../util/clock.js';
import { retryUntilDeadline } from '../util/retry.js';
import type { ClientConnection } from './connection.js';
import { parseServiceUrl, type BrokerAddress, type ConnectionPool } from './pool.js';
import { CommandType } from './wire.js';

/** A lookup that bounces between brokers this often is a misconfigured cluster, not progress. */
const MAX_REDIRECTS = 20;
const LOOKUP_CONNECT = 1;
const LOOKUP_REDIRECT = 0;
const PARTITIONED_METADATA_FAILED = 1;

/**
 * Topic discovery over the binary protocol: PARTITIONED_METADATA and LOOKUP (following Redirect
 * with the `authoritative` flag the broker returned), both asked of the service URL's broker.
 * A `pulsar+ssl://` service URL follows the brokers' TLS URLs (brokerServiceUrlTls), a
 * `pulsar://` one their plain URLs; `listenerName` picks which advertised listener's URLs the
 * brokers answer with (CommandLookupTopic.advertised_listener_name).
 */
export class LookupService {
  private readonly serviceAddress: BrokerAddress;

  constructor(
    private readonly pool: ConnectionPool,
    serviceUrl: string,
    private readonly listenerName?: string,
    /** Retries of retriable failures (TooManyRequests, ServiceNotReady, a lost connection) until the operation timeout. */
    private readonly retry?: { time: TimeSource; operationTimeoutMs: number },
  ) {
    this.serviceAddress = parseServiceUrl(serviceUrl);
  }

  /**
   * Number of partitions, 0 for a non-partitioned topic. A busy broker (maxConcurrentLookupRequest
   * reached: TooManyRequests) or one not ready yet is asked again with back-off until the operation
   * timeout, as the Java client does for partitioned-topic metadata.
   */
  async getPartitionCount(topic: string): Promise<number> {
    if (!this.retry) return this.askPartitionCount(topic);
    let n = 0;
    await retryUntilDeadline(this.retry.time, this.retry.operationTimeoutMs, new Backoff(), async () => {
      n = await this.askPartitionCount(topic);
    });
    return n;
  }

  private async askPartitionCount(topic: string): Promise<number> {
    const conn = await this.pool.get(this.serviceAddress);
    const requestId = conn.newRequestId();
    const res = await conn.request(
      { type: CommandType.PARTITIONED_METADATA, partitionMetadata: { topic, request_id: requestId } },
      requestId,
    );
    const r = (res.partitionMetadataResponse ?? {}) as Record<string, unknown>;
    if (r.response === PARTITIONED_METADATA_FAILED) {
      throw serverError(Number(r.error ?? 0), String(r.message ?? 'partitioned metadata failed'));
    }
    return Number(r.partitions ?? 0);
  }

  /**
   * GET_TOPICS_OF_NAMESPACE: the topics of `namespace` ("tenant/ns") in the given domain mode
   * (PERSISTENT=0, NON_PERSISTENT=1, ALL=2), partitions listed one by one. The broker may filter
   * by `pattern`; callers filter again, since older brokers ignore it.
   */
  async getTopicsOfNamespace(namespace: string, mode: number, pattern?: string): Promise<string[]> {
    const conn = await this.pool.get(this.serviceAddress);
    const requestId = conn.newRequestId();
    const body: Record<string, unknown> = { request_id: requestId, namespace, mode };
    if (pattern !== undefined) body.topics_pattern = pattern;
    const res = await conn.request(
      { type: CommandType.GET_TOPICS_OF_NAMESPACE, getTopicsOfNamespace: body },
      requestId,
    );
    const r = (res.getTopicsOfNamespaceResponse ?? {}) as { topics?: string[] };
    return r.topics ?? [];
  }

  /** Finds the broker that owns `topic` and returns a ready connection to it. */
  async connectionFor(topic: string): Promise<ClientConnection> {
    let addr = this.serviceAddress;
    let authoritative = false;
    for (let hop = 0; hop < MAX_REDIRECTS; hop++) {
      const conn = await this.pool.get(addr);
      const requestId = conn.newRequestId();
      const lookupTopic: Record<string, unknown> = { topic, request_id: requestId, authoritative };
      if (this.listenerName) lookupTopic.advertised_listener_name = this.listenerName;
      const res = await conn.request({ type: CommandType.LOOKUP, lookupTopic }, requestId);
      const r = (res.lookupTopicResponse ?? {}) as Record<string, unknown>;
      if (r.response === LOOKUP_CONNECT || r.response === LOOKUP_REDIRECT) {
        const target = r.proxy_through_service_url ? this.serviceAddress : this.brokerAddress(r, topic);
        if (r.response === LOOKUP_CONNECT) return this.pool.get(target);
        addr = target;
        authoritative = r.authoritative === true;
        continue;
      }
      throw serverError(Number(r.error ?? 0), String(r.message ?? `lookup of ${topic} failed`));
    }
    throw new PulsarClientError('LOOKUP_ERROR', `too many lookup redirects for ${topic}`, {
      retriable: true,
    });
  }

  /**
   * The broker a lookup answer points to, over TLS when the service URL is TLS. A broker without a
   * URL of that kind (TLS off there, or a listener without one) cannot be used: not retriable.
   */
  private brokerAddress(r: Record<string, unknown>, topic: string): BrokerAddress {
    const tls = this.serviceAddress.tls === true;
    const url = tls ? r.brokerServiceUrlTls : r.brokerServiceUrl;
    if (typeof url !== 'string' || url === '') {
      const field = tls ? 'brokerServiceUrlTls' : 'brokerServiceUrl';
      const listener = this.listenerName ? ` for listener ${this.listenerName}` : '';
      throw new PulsarClientError('LOOKUP_ERROR', `the lookup of ${topic} answered no ${field}${listener}`);
    }
    const addr = parseServiceUrl(url);
    return { ...addr, tls };
  }
}
