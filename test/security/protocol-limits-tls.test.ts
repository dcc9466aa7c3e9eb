// Connection limits on the TLS listener (pulsar+ssl://) apply to the raw TCP connection, before
// any handshake work: peers that open connections and never start (or finish) a handshake hold
// slots and are refused beyond brokerMaxConnectionsPerIp / maxConnections, and a connection that
// completes its handshake is not counted a second time.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { CommandType, ServerError } from '@magnetar/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { brokerLimits } from '../../packages/server/src/broker/connection/admission.js';
import { ServerTlsContext } from '../../packages/server/src/tls/server-tls.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { mintCertificates, type MintedCertificates } from '../helpers/certs.js';
import { RawClient } from '../helpers/raw-client.js';
import { until } from './protocol-helpers.js';

/** Far below the 10 s handshake timeout: a refusal is immediate, not a timeout. */
const PROMPT_MS = 1000;

let root: string;
let certs: MintedCertificates;
let ca: Buffer;
const sockets: Socket[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'magnetar-limits-tls-'));
  certs = await mintCertificates(join(root, 'ca'));
  ca = await readFile(certs.caFile);
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function tlsBroker(extra: Record<string, unknown>): Promise<TestBroker> {
  return startTestBroker({
    tlsCertificateFilePath: certs.server.certFile,
    tlsKeyFilePath: certs.server.keyFile,
    ...extra,
  });
}

/** A TCP connection that never sends a byte (no ClientHello). */
async function idle(port: number): Promise<{ socket: Socket; closed: Promise<number> }> {
  const socket = netConnect(port, '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => {});
  const opened = Date.now();
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - opened)));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, closed };
}

/** A completed TLS handshake that then sends nothing. */
async function handshake(port: number): Promise<TLSSocket> {
  const socket = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' });
  sockets.push(socket);
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** Resolves to whether `closed` settles within `ms`. */
function closesWithin(closed: Promise<number>, ms: number): Promise<boolean> {
  return Promise.race([closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
}

describe('brokerMaxConnectionsPerIp on the TLS listener', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await tlsBroker({ brokerMaxConnectionsPerIp: 2 });
  });
  afterAll(async () => {
    await broker.destroy();
  });

  const limits = () => brokerLimits(broker.broker);

  it('refuses a third connection that never starts a handshake, while two idle ones hold their slots', async () => {
    const port = broker.portTls!;
    const a = await idle(port);
    const b = await idle(port);
    await until(() => limits().connectionsFrom('127.0.0.1') === 2);

    const c = await idle(port);
    expect(await closesWithin(c.closed, PROMPT_MS)).toBe(true);
    expect(await c.closed).toBeLessThan(PROMPT_MS);
    // The two idle ones are still open, and still counted.
    expect(a.socket.destroyed || b.socket.destroyed).toBe(false);
    expect(await closesWithin(a.closed, 200)).toBe(false);
    expect(limits().connectionsFrom('127.0.0.1')).toBe(2);
    expect(limits().connections).toBe(2);

    // Closing one frees its slot.
    a.socket.destroy();
    await until(() => limits().connectionsFrom('127.0.0.1') === 1);
    const d = await idle(port);
    expect(await closesWithin(d.closed, 300)).toBe(false);
    await until(() => limits().connectionsFrom('127.0.0.1') === 2);
    b.socket.destroy();
    d.socket.destroy();
    await until(() => limits().connections === 0);
  });

  it('counts a connection once across its handshake, and releases it when it closes', async () => {
    const port = broker.portTls!;
    const one = await handshake(port);
    await until(() => broker.broker.connections.size === 1);
    expect(limits().connectionsFrom('127.0.0.1')).toBe(1);
    const two = await handshake(port);
    await until(() => broker.broker.connections.size === 2);
    expect(limits().connectionsFrom('127.0.0.1')).toBe(2);
    // Both slots are taken by established TLS connections: the next TCP connection is refused.
    const refused = await idle(port);
    expect(await closesWithin(refused.closed, PROMPT_MS)).toBe(true);

    one.destroy();
    await until(() => limits().connectionsFrom('127.0.0.1') === 1);
    expect(broker.broker.connections.size).toBe(1);
    const three = await handshake(port);
    await until(() => broker.broker.connections.size === 2);
    two.destroy();
    three.destroy();
    await until(() => limits().connections === 0 && broker.broker.connections.size === 0);
  });

  it('leaves the plain listener’s refusal as it was: CommandError NotAllowedError', async () => {
    const a = await idle(broker.port);
    const b = await idle(broker.port);
    await until(() => limits().connectionsFrom('127.0.0.1') === 2);
    const refused = await RawClient.open(broker.port);
    const err = await refused.next((f) => f.command.type === CommandType.ERROR);
    expect(err.command.error?.error).toBe(ServerError.NotAllowedError);
    a.socket.destroy();
    b.socket.destroy();
    refused.close();
    await until(() => limits().connections === 0);
  });
});

describe('maxConnections counts plain connections and TLS handshakes together', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await tlsBroker({ maxConnections: 2 });
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('refuses beyond the limit on either listener', async () => {
    const tls = await idle(broker.portTls!);
    const plain = await RawClient.connected(broker.port);
    await until(() => brokerLimits(broker.broker).connections === 2);

    const refusedTls = await idle(broker.portTls!);
    expect(await closesWithin(refusedTls.closed, PROMPT_MS)).toBe(true);
    const refusedPlain = await RawClient.open(broker.port);
    const err = await refusedPlain.next((f) => f.command.type === CommandType.ERROR);
    expect(err.command.error?.message).toBe('Reached the maximum number of connections');

    tls.socket.destroy();
    plain.close();
    refusedPlain.close();
    await until(() => brokerLimits(broker.broker).connections === 0);
  });
});

describe('a handshake that never finishes', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    // The handshake timeout is 10 s; shorten it so the test need not wait that long.
    const original = ServerTlsContext.prototype.serverOptions;
    const spy = vi.spyOn(ServerTlsContext.prototype, 'serverOptions').mockImplementation(function (
      this: ServerTlsContext,
    ) {
      return { ...original.call(this), handshakeTimeout: 300 };
    });
    try {
      broker = await tlsBroker({ brokerMaxConnectionsPerIp: 1 });
    } finally {
      spy.mockRestore();
    }
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('is closed at the handshake timeout, which frees its slot', async () => {
    const stalled = await idle(broker.portTls!);
    expect(await closesWithin(stalled.closed, 3000)).toBe(true);
    await until(() => brokerLimits(broker.broker).connections === 0);
    const next = await handshake(broker.portTls!);
    await until(() => broker.broker.connections.size === 1);
    next.destroy();
  });
});
