import type { Socket } from 'node:net';
import { CommandType, ServerError, serializeCommand } from '@magnetar/protocol';
import type { BrokerService } from '../broker-service.js';

/** How long a refused socket may take to read its CommandError before it is destroyed. */
const REFUSAL_LINGER_MS = 1000;

/**
 * Broker-wide counters behind the connection limits: connections open in total (maxConnections)
 * and per remote IP (brokerMaxConnectionsPerIp), and lookups being answered
 * (maxConcurrentLookupRequest). One per BrokerService, reached through `brokerLimits(broker)`.
 *
 * A connection is counted once, from its admission until its socket closes: a plain one when it is
 * accepted, a TLS one when its TCP connection arrives, before any handshake work (see
 * `admitBeforeHandshake`), so that peers that never finish a handshake hold slots too.
 */
export class BrokerLimits {
  private readonly perIp = new Map<string, number>();
  private total = 0;
  private lookupsInFlight = 0;

  /** Connections currently counted for `ip`. */
  connectionsFrom(ip: string): number {
    return this.perIp.get(ip) ?? 0;
  }

  /** Connections currently counted, TLS handshakes in progress included. */
  get connections(): number {
    return this.total;
  }

  /**
   * Counts a connection from `ip` unless it would pass `perIpLimit` or `totalLimit` (0 = none).
   * Returns the limit that refused it, or undefined when it was counted.
   */
  tryAddConnection(ip: string, perIpLimit: number, totalLimit = 0): 'total' | 'ip' | undefined {
    if (totalLimit > 0 && this.total >= totalLimit) return 'total';
    const n = this.perIp.get(ip) ?? 0;
    if (perIpLimit > 0 && n >= perIpLimit) return 'ip';
    this.perIp.set(ip, n + 1);
    this.total++;
    return undefined;
  }

  removeConnection(ip: string): void {
    const n = this.perIp.get(ip) ?? 0;
    if (n === 0) return;
    if (n === 1) this.perIp.delete(ip);
    else this.perIp.set(ip, n - 1);
    this.total--;
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
 * Counts `socket` against maxConnections and brokerMaxConnectionsPerIp until it closes; returns
 * the limit that refused it instead, or undefined when it was counted.
 */
function count(broker: BrokerService, socket: Socket): { refused: 'total' | 'ip'; ip: string } | undefined {
  const { maxConnections, brokerMaxConnectionsPerIp } = broker.config;
  const ip = remoteIp(socket);
  const limits = brokerLimits(broker);
  const refused = limits.tryAddConnection(ip, brokerMaxConnectionsPerIp, maxConnections);
  if (refused !== undefined) {
    // Debug, not warn: a peer retrying in a loop must not flood the log.
    broker.log.debug(
      { ip, limit: refused === 'ip' ? brokerMaxConnectionsPerIp : maxConnections },
      refused === 'ip'
        ? 'connection refused: brokerMaxConnectionsPerIp'
        : 'connection refused: maxConnections',
    );
    return { refused, ip };
  }
  socket.once('close', () => limits.removeConnection(ip));
  return undefined;
}

/**
 * Decides whether a freshly accepted plain socket may become a connection: maxConnections
 * broker-wide and brokerMaxConnectionsPerIp per remote IP. A refused peer gets what Pulsar's
 * ServerCnx sends in channelActive, CommandError(request_id -1, NotAllowedError, "Reached the
 * maximum number of connections..."), and the socket is closed. An admitted socket is counted
 * until it closes.
 */
export function admitConnection(broker: BrokerService, socket: Socket): boolean {
  const c = count(broker, socket);
  if (c === undefined) return true;
  refuse(
    socket,
    c.refused === 'total'
      ? 'Reached the maximum number of connections'
      : `Reached the maximum number of connections on address ${c.ip}`,
  );
  return false;
}

/**
 * The same limits for the TLS listener, applied to the raw TCP connection before the handshake,
 * so that a flood of handshakes never costs more than the limits allow. Nothing the peer could
 * read can be sent before the handshake, so a refused socket is closed at once. An admitted
 * socket is counted until it closes; the connection it becomes after the handshake is not
 * counted again.
 */
export function admitBeforeHandshake(broker: BrokerService, raw: Socket): boolean {
  if (count(broker, raw) === undefined) return true;
  raw.destroy();
  return false;
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
