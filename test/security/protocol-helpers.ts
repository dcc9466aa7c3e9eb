/**
 * Shared pieces of the binary-protocol security tests: token brokers, token minting, and a raw
 * CONNECT that reports whether the broker answered CONNECTED or refused (and then closed).
 */
import { HmacTokenFixture } from '../../packages/server/src/auth/testing.js';
import { CommandType, type CommandConnect, type Frame } from '@magnetar/protocol';
import type { BrokerConfig } from '@magnetar/server';
import { RawClient } from '../helpers/raw-client.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import type { StandaloneOptions } from '@magnetar/server';

/** An HMAC key with the broker settings that switch token authentication on and accept it. */
export class TokenKey {
  private readonly fixture = new HmacTokenFixture();
  readonly settings: Partial<BrokerConfig> = { authenticationEnabled: true, ...this.fixture.settings };

  /** A token for `sub`; `expSeconds` is an absolute exp claim (seconds since the epoch). */
  sign(sub: string, expSeconds?: number): Promise<string> {
    return this.fixture.sign(sub, { exp: expSeconds });
  }
}

/** Starts a broker with token authentication for `key`, plus `overrides`. */
export function startTokenBroker(
  key: TokenKey,
  overrides: Partial<BrokerConfig> = {},
  time: Pick<StandaloneOptions, 'clock' | 'scheduler'> = {},
): Promise<TestBroker> {
  return startTestBroker({ ...key.settings, ...overrides }, undefined, time);
}

/** How a CONNECT ended: the client got CONNECTED, or ERROR (then the broker closed the socket). */
export interface ConnectResult {
  client: RawClient;
  frame: Frame;
  connected: boolean;
}

/** Opens a raw connection and sends CONNECT with `fields`; resolves with the broker's answer. */
export async function rawConnect(
  port: number,
  fields: Partial<CommandConnect> = {},
  timeoutMs = 5000,
): Promise<ConnectResult> {
  const client = await RawClient.open(port);
  client.send({
    type: CommandType.CONNECT,
    connect: { client_version: 'security-test', protocol_version: 20, ...fields },
  });
  const frame = await client.next(
    (f) => f.command.type === CommandType.CONNECTED || f.command.type === CommandType.ERROR,
    timeoutMs,
  );
  return { client, frame, connected: frame.command.type === CommandType.CONNECTED };
}

/** CONNECT with a token, as Pulsar's AuthenticationToken sends it. */
export function tokenConnect(
  port: number,
  token: string,
  extra: Partial<CommandConnect> = {},
): Promise<ConnectResult> {
  return rawConnect(port, { auth_method_name: 'token', auth_data: Buffer.from(token), ...extra });
}

/** Waits until `cond` holds, polling every 10 ms, or fails after `timeoutMs`. */
export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The namespace public/default exists once the standalone bootstrap has run. */
export function namespaceReady(broker: TestBroker, ns = 'public/default'): Promise<void> {
  return until(() => broker.resources.namespaces.exists(ns));
}
