/**
 * Advertised listeners (Pulsar's `advertisedListeners`, PIP-61): named sets of addresses a broker
 * is reachable at, e.g. one for clients inside the network and one behind a NAT. A client names
 * one (CommandLookupTopic.advertised_listener_name, or `listenerName` / `X-Pulsar-ListenerName`
 * over HTTP) and the lookup answers with that listener's URLs.
 *
 * Format: `name:scheme://host[:port]` entries separated by commas; a name may appear once per
 * scheme (pulsar, pulsar+ssl, http, https). Magnetar extension: a port that is omitted or 0 stands
 * for the port the broker actually bound for that scheme, so a listener can name a host without
 * repeating ports that are chosen at start-up (tests on ephemeral ports, containers).
 *
 * Unlike Pulsar, one host:port may appear in several listeners: Magnetar binds its ports once, not
 * per listener (PIP-95), so nothing is ambiguous about it.
 *
 * The listener used when a client names none is `internalListenerName` (default: the first one).
 * Its missing URLs are filled in from the broker's own listeners, as Pulsar fills the internal
 * listener from the legacy port settings. Without advertisedListeners, the broker has exactly one
 * listener, named `internalListenerName` or "internal", made of its own URLs.
 */
import { ServerError } from '@magnetar/protocol';
import { ConfigError, type ConfigProblem } from '../config/errors.js';
import { BrokerError } from './errors.js';

export type ListenerScheme = 'pulsar' | 'pulsar+ssl' | 'http' | 'https';
const SCHEMES: readonly ListenerScheme[] = ['pulsar', 'pulsar+ssl', 'http', 'https'];

/** Pulsar's name used for the internal listener when nothing names it. */
export const DEFAULT_INTERNAL_LISTENER_NAME = 'internal';

/** One address of a listener. */
export interface ListenerEndpoint {
  /** Host as written; IPv6 literals keep their brackets. */
  host: string;
  /** 0 when omitted or written as 0: the port the broker bound for this scheme. */
  port: number;
}

export interface AdvertisedListener {
  name: string;
  endpoints: Partial<Record<ListenerScheme, ListenerEndpoint>>;
}

/** What a lookup answers for one listener; a URL is absent when the listener has none for it. */
export interface ListenerUrls {
  /** pulsar://host:port (CommandLookupTopicResponse.brokerServiceUrl, LookupData.brokerUrl). */
  brokerServiceUrl?: string;
  /** pulsar+ssl://host:port (brokerServiceUrlTls, LookupData.brokerUrlTls). */
  brokerServiceUrlTls?: string;
  /** http://host:port (LookupData.httpUrl). */
  httpUrl?: string;
  /** https://host:port (LookupData.httpUrlTls). */
  httpUrlTls?: string;
}

const URL_FIELD: Record<ListenerScheme, keyof ListenerUrls> = {
  pulsar: 'brokerServiceUrl',
  'pulsar+ssl': 'brokerServiceUrlTls',
  http: 'httpUrl',
  https: 'httpUrlTls',
};

const NAME = /^[A-Za-z0-9_-]+$/;
const ENDPOINT = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[0-9A-Fa-f:.]+\]|[^:/?#[\]\s]+)(?::([^/?#]*))?\/?$/;

/**
 * The parsed `advertisedListeners` and `internalListenerName`. Resolving a name needs the broker's
 * own URLs (the ports bound at start-up), so it happens per lookup with `resolve`.
 */
export class AdvertisedListeners {
  private constructor(
    /** In configuration order. */
    readonly listeners: ReadonlyMap<string, AdvertisedListener>,
    /** The listener used when a client names none. */
    readonly internalName: string,
  ) {}

  /**
   * Parses the two settings; a malformed value is a ConfigError listing every problem (missing
   * or invalid name, unknown scheme, the same scheme twice in one listener, bad host or port, an
   * internalListenerName that names no listener).
   */
  static parse(advertisedListeners: string, internalListenerName = ''): AdvertisedListeners {
    const problems: ConfigProblem[] = [];
    const listeners = new Map<string, AdvertisedListener>();
    for (const raw of advertisedListeners.split(',')) {
      const entry = raw.trim();
      if (entry === '') continue;
      const parsed = parseEntry(entry, problems);
      if (!parsed) continue;
      const { name, scheme, endpoint } = parsed;
      const listener = listeners.get(name) ?? { name, endpoints: {} };
      listeners.set(name, listener);
      if (listener.endpoints[scheme]) {
        problems.push(problem(entry, `at most one ${scheme}:// address for listener "${name}"`));
        continue;
      }
      listener.endpoints[scheme] = endpoint;
    }
    const internal =
      internalListenerName.trim() || (listeners.keys().next().value ?? DEFAULT_INTERNAL_LISTENER_NAME);
    if (listeners.size > 0 && !listeners.has(internal)) {
      problems.push({
        source: 'config',
        key: 'internalListenerName',
        value: internalListenerName,
        expected: `the name of one of advertisedListeners (${[...listeners.keys()].join(', ')})`,
      });
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return new AdvertisedListeners(listeners, internal);
  }

  /** True when advertisedListeners configured at least one listener. */
  get configured(): boolean {
    return this.listeners.size > 0;
  }

  /**
   * The URLs of listener `name` (undefined or empty: the internal listener), with ports 0 replaced
   * by the ones in `own`, the broker's own URLs. An unknown name is what Pulsar answers for it:
   * ServerError.ServiceNotReady (its lookup error for a failed lookup) naming the listener.
   */
  resolve(name: string | undefined, own: ListenerUrls): ListenerUrls {
    const wanted = name === undefined || name === '' ? this.internalName : name;
    const listener = this.listeners.get(wanted);
    if (!listener) {
      if (!this.configured && wanted === this.internalName) return withoutEmpty(own);
      throw unknownListener(wanted);
    }
    const urls: ListenerUrls = {};
    for (const scheme of SCHEMES) {
      const endpoint = listener.endpoints[scheme];
      const field = URL_FIELD[scheme];
      if (endpoint) {
        const url = endpointUrl(scheme, endpoint, own[field]);
        if (url !== undefined) urls[field] = url;
      } else if (wanted === this.internalName && own[field]) {
        urls[field] = own[field];
      }
    }
    return urls;
  }

  /**
   * Start-up check: an endpoint whose port is left to the bound one needs the broker to bind a
   * listener of its scheme (`bound`); a `pulsar+ssl://host` entry with TLS off cannot be resolved.
   * Throws a ConfigError naming each such entry.
   */
  checkResolvable(bound: Readonly<Record<ListenerScheme, boolean>>): void {
    const problems: ConfigProblem[] = [];
    for (const listener of this.listeners.values()) {
      for (const scheme of SCHEMES) {
        const endpoint = listener.endpoints[scheme];
        if (endpoint && endpoint.port === 0 && !bound[scheme]) {
          problems.push(
            problem(
              `${listener.name}:${scheme}://${endpoint.host}`,
              `an explicit port, or a ${scheme}:// listener on this broker to take the port from (it has none)`,
            ),
          );
        }
      }
    }
    if (problems.length > 0) throw new ConfigError(problems);
  }
}

/** The error a lookup naming an unknown listener gets (binary LOOKUP and HTTP lookup). */
export function unknownListener(name: string): BrokerError {
  return new BrokerError(ServerError.ServiceNotReady, `The broker has no advertised listener named ${name}`);
}

function parseEntry(
  entry: string,
  problems: ConfigProblem[],
): { name: string; scheme: ListenerScheme; endpoint: ListenerEndpoint } | undefined {
  const colon = entry.indexOf(':');
  const name = colon > 0 ? entry.slice(0, colon).trim() : '';
  const rest = colon > 0 ? entry.slice(colon + 1).trim() : entry;
  // "pulsar://h:1" alone: the first colon is the scheme's, so the name is missing.
  if (name === '' || rest.startsWith('//')) {
    problems.push(problem(entry, 'name:scheme://host:port (the listener name is missing)'));
    return undefined;
  }
  if (!NAME.test(name)) {
    problems.push(problem(entry, `a listener name of letters, digits, "_" and "-" (got "${name}")`));
    return undefined;
  }
  const m = ENDPOINT.exec(rest);
  if (!m) {
    problems.push(problem(entry, `name:scheme://host[:port] after "${name}:"`));
    return undefined;
  }
  const scheme = m[1].toLowerCase() as ListenerScheme;
  if (!SCHEMES.includes(scheme)) {
    problems.push(problem(entry, `one of the schemes ${SCHEMES.map((s) => `${s}://`).join(', ')}`));
    return undefined;
  }
  const portText = m[3] ?? '';
  const port = portText === '' ? 0 : Number(portText);
  if (!/^\d{1,5}$/.test(portText === '' ? '0' : portText) || port > 65535) {
    problems.push(problem(entry, `a port from 0 to 65535 (got "${portText}")`));
    return undefined;
  }
  return { name, scheme, endpoint: { host: m[2], port } };
}

/** The endpoint as a URL; a bound-port placeholder takes the port of the broker's own URL. */
function endpointUrl(
  scheme: ListenerScheme,
  endpoint: ListenerEndpoint,
  own: string | undefined,
): string | undefined {
  if (endpoint.port !== 0) return `${scheme}://${endpoint.host}:${endpoint.port}`;
  if (!own) return undefined;
  const port = /:(\d+)\/?$/.exec(own)?.[1];
  return port === undefined ? undefined : `${scheme}://${endpoint.host}:${port}`;
}

function withoutEmpty(urls: ListenerUrls): ListenerUrls {
  const out: ListenerUrls = {};
  for (const field of Object.values(URL_FIELD)) if (urls[field]) out[field] = urls[field];
  return out;
}

function problem(entry: string, expected: string): ConfigProblem {
  return { source: 'config', key: 'advertisedListeners', value: entry, expected };
}
