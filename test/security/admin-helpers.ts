/**
 * Shared pieces of the HTTP security tests: a broker with token authentication and authorization
 * (superuser "admin", proxy role "proxy"), a token per role, and requests through fastify's
 * inject (no sockets) with a role's token, raw headers or no credentials at all.
 */
import type { BrokerConfig } from '@magnetar/server';
import { HmacTokenFixture } from '../../packages/server/src/auth/testing.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

export interface Answer {
  status: number;
  /** Parsed JSON, the text when it is not JSON, or undefined for an empty body. */
  body: unknown;
}

export interface CallOptions {
  /** Send this role's bearer token. */
  as?: string;
  /** Extra or replacing headers (an explicit `authorization` wins over `as`). */
  headers?: Record<string, string>;
  /** A JSON body. */
  body?: unknown;
}

export interface SecureBroker {
  broker: TestBroker;
  key: HmacTokenFixture;
  token(role: string): Promise<string>;
  call(method: string, url: string, options?: CallOptions): Promise<Answer>;
  destroy(): Promise<void>;
}

export const SUPERUSER = 'admin';
export const PROXY = 'proxy';

/** A broker with token authentication and authorization on, plus `overrides`. */
export async function startSecureBroker(overrides: Partial<BrokerConfig> = {}): Promise<SecureBroker> {
  const key = new HmacTokenFixture();
  const broker = await startTestBroker({
    ...key.settings,
    authenticationEnabled: true,
    authorizationEnabled: true,
    superUserRoles: SUPERUSER,
    proxyRoles: PROXY,
    ...overrides,
  });
  const tokens = new Map<string, Promise<string>>();
  const token = (role: string) => {
    let t = tokens.get(role);
    if (t === undefined) tokens.set(role, (t = key.sign(role)));
    return t;
  };
  return {
    broker,
    key,
    token,
    async call(method, url, options = {}) {
      const headers: Record<string, string> = {};
      if (options.as !== undefined) headers.authorization = `Bearer ${await token(options.as)}`;
      Object.assign(headers, options.headers);
      const res = await broker.http.inject({
        method: method as 'GET',
        url,
        headers,
        ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
        ...(options.body === undefined
          ? {}
          : { headers: { ...headers, 'content-type': 'application/json' } }),
      });
      return { status: res.statusCode, body: parse(res.body) };
    },
    destroy: () => broker.destroy(),
  };
}

function parse(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Fills a route pattern's parameters with names that exist in a fresh broker where it matters. */
export function concreteUrl(pattern: string, values: Record<string, string> = {}): string {
  const defaults: Record<string, string> = {
    tenant: 'public',
    namespace: 'default',
    topic: 't1',
    subscription: 's1',
    role: 'r1',
    cluster: 'standalone',
    domain: 'persistent',
    position: '1',
    timestamp: '0',
    count: '1',
    seconds: '1',
    version: '0',
  };
  return pattern.replace(/:(\w+)/g, (_, name: string) =>
    encodeURIComponent(values[name] ?? defaults[name] ?? 'x'),
  );
}
