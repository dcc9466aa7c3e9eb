import type { Socket } from 'node:net';
import { CommandType, ServerError, serializeCommand } from '@magnetar/protocol';
import type { BrokerService } from '../broker-service.js';

/** How long a refused socket may take to read its CommandError before it is destroyed. */
const REFUSAL_LINGER_MS = 1000;

/**
 * Broker-wide counters behind the connection limits: connections per remote IP
 * (brokerMaxConnectionsPerIp) and lookups being answered (maxConcurrentLookupRequest). One per
 * BrokerService, reached through `brokerLimits(broker)`.
 */
export class BrokerLimits {
  private readonly perIp = new Map<string, number>();
  private lookupsInFlight = 0;

  /** Connections currently counted for `ip`. */
  connectionsFrom(ip: string): number {
    return this.perIp.get(ip) ?? 0;
  }

  /** Counts a connection from `ip` unless it would pass `limit` (0 = none); false when refused. */
  tryAddConnection(ip: string, limit: number): boolean {
    const n = this.perIp.get(ip) ?? 0;
    if (limit > 0 && n >= limit) return false;
    this.perIp.set(ip, n + 1);
    return true;
  }

  removeConnection(ip: string): void {
    const n = this.perIp.get(ip) ?? 0;
    if (n <= 1) this.perIp.delete(ip);
    else this.perIp.set(ip, n - 1);
  }

  /** Takes a lookup permit unless `limit` are out; the caller must `releaseLookup()` once answered. */
  tryAcquireLookup(limit: number): boolean {
    if (this.lookupsInFlight >= limit) return false;
    this.lookupsInFlight++;
    return true;
  }

  releaseLookup(): void {
    if (this.lookupsInFlight > 0) this.lookupsInFlight--;
  }

  get lookupsPending(): number {
    return this.lookupsInFlight;
  }
}

const limitsByBroker = new WeakMap<BrokerService, BrokerLimits>();

/** The limit counters of this broker, created on first use. */
export function brokerLimits(broker: BrokerService): BrokerLimits {
  let l = limitsByBroker.get(broker);
  if (!l) {
    l = new BrokerLimits();
    limitsByBroker.set(broker, l);
  }
  return l;
}

/** The IP part of a socket's peer address; IPv4-mapped IPv6 addresses count as their IPv4 address. */
export function remoteIp(socket: Socket): string {
  const a = socket.remoteAddress ?? 'unknown';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/**
 * Decides whether a freshly accepted socket may become a connection: maxConnections broker-wide and
 * brokerMaxConnectionsPerIp per remote IP. A refused peer gets what Pulsar's ServerCnx sends in
 * channelActive, CommandError(request_id -1, NotAllowedError, "Reached the maximum number of
 * connections..."), and the socket is closed. An admitted socket is counted against its IP until
 * it closes.
 */
export function admitConnection(broker: BrokerService, socket: Socket): boolean {
  const { maxConnections, brokerMaxConnectionsPerIp } = broker.config;
  if (maxConnections > 0 && broker.connections.size >= maxConnections) {
    refuse(socket, 'Reached the maximum number of connections');
    return false;
  }
  const ip = remoteIp(socket);
  const limits = brokerLimits(broker);
  if (!limits.tryAddConnection(ip, brokerMaxConnectionsPerIp)) {
    // Debug, not warn: a peer retrying in a loop must not flood the log.
    broker.log.debug(
      { ip, limit: brokerMaxConnectionsPerIp },
      'connection refused: brokerMaxConnectionsPerIp',
    );
    refuse(socket, `Reached the maximum number of connections on address ${ip}`);
    return false;
  }
  socket.once('close', () => limits.removeConnection(ip));
  return true;
}

function refuse(socket: Socket, message: string): void {
  socket.on('error', () => {});
  socket.end(
    serializeCommand({
      type: CommandType.ERROR,
      error: { request_id: -1, error: ServerError.NotAllowedError, message },
    }),
  );
  const t = setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS);
  t.unref();
}
