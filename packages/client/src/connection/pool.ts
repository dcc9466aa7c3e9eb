import { AlreadyClosedError } from '../errors.js';
import { ClientConnection, type ConnectionOptions } from './connection.js';

export interface BrokerAddress {
  host: string;
  port: number;
  /** True for `pulsar+ssl://`: the connection is made over TLS. */
  tls?: boolean;
}

const DEFAULT_PORT = 6650;
const DEFAULT_PORT_TLS = 6651;

/**
 * Parses `pulsar://host:port` or `pulsar+ssl://host:port` (ports 6650 and 6651 by default); only
 * the first host of a list is used.
 */
export function parseServiceUrl(url: string): BrokerAddress {
  const m = /^(pulsar|pulsar\+ssl):\/\/([^,/]+)/i.exec(url.trim());
  if (!m) {
    throw new TypeError(
      `unsupported service URL ${url} (expected pulsar://host:port or pulsar+ssl://host:port)`,
    );
  }
  const tls = m[1].toLowerCase() === 'pulsar+ssl';
  const defaultPort = tls ? DEFAULT_PORT_TLS : DEFAULT_PORT;
  const hostPort = m[2];
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort);
  if (bracket) return { host: bracket[1], port: Number(bracket[2] ?? defaultPort), tls };
  const [host, port] = hostPort.split(':');
  return { host, port: Number(port ?? defaultPort), tls };
}

/**
 * One shared connection per broker address, as the official clients keep by default. A connection
 * that closes leaves the pool, so the next `get` dials again; concurrent callers share one dial.
 */
export class ConnectionPool {
  private readonly connections = new Map<string, Promise<ClientConnection>>();
  private closed = false;

  constructor(private readonly base: Omit<ConnectionOptions, 'host' | 'port' | 'useTls'>) {}

  get(addr: BrokerAddress): Promise<ClientConnection> {
    if (this.closed) return Promise.reject(new AlreadyClosedError('client'));
    const useTls = addr.tls ?? false;
    const key = `${useTls ? 'pulsar+ssl' : 'pulsar'}://${addr.host}:${addr.port}`;
    const existing = this.connections.get(key);
    if (existing) return existing;
    const conn = new ClientConnection({ ...this.base, host: addr.host, port: addr.port, useTls });
    const ready = conn.ready();
    this.connections.set(key, ready);
    conn.onClose(() => {
      if (this.connections.get(key) === ready) this.connections.delete(key);
    });
    return ready;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.connections.values()];
    this.connections.clear();
    for (const p of all) {
      const conn = await p.catch(() => undefined);
      conn?.close();
    }
  }
}
