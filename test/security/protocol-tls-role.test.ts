import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { CommandType, FrameDecoder, ServerError, serializeCommand, type Frame } from '@magnetar/protocol';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { mintCertificates, type MintedCertificates } from '../helpers/certs.js';
import { until } from './protocol-helpers.js';

// The tls provider over the binary protocol: the role is the CN of a client certificate that TLS
// verified; CONNECT carries auth_method_name "tls" and no auth data (Pulsar's AuthenticationTls).

interface TlsPeer {
  socket: TLSSocket;
  first: Promise<Frame>;
  closed: Promise<void>;
}

async function openTls(port: number, ca: Buffer, client?: { cert: Buffer; key: Buffer }): Promise<TlsPeer> {
  const socket = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost', ...client });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  const decoder = new FrameDecoder();
  const first = new Promise<Frame>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      decoder.push(chunk);
      const f = decoder.next();
      if (f) resolve(f);
    });
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {});
  socket.write(
    serializeCommand({
      type: CommandType.CONNECT,
      connect: { client_version: 'tls-test', protocol_version: 20, auth_method_name: 'tls' },
    }),
  );
  return { socket, first, closed };
}

describe('tls authentication over the binary protocol', () => {
  let dir: string;
  let certs: MintedCertificates;
  let broker: TestBroker;
  let ca: Buffer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'magnetar-tls-role-'));
    certs = await mintCertificates(dir, { clients: ['carol'] });
    ca = await readFile(certs.caFile);
    broker = await startTestBroker({
      authenticationEnabled: true,
      authenticationProviders: 'tls',
      tlsCertificateFilePath: certs.server.certFile,
      tlsKeyFilePath: certs.server.keyFile,
      tlsTrustCertsFilePath: certs.caFile,
    });
  });
  afterAll(async () => {
    await broker.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the role of the verified client certificate', async () => {
    const files = certs.clients.carol;
    const peer = await openTls(broker.portTls!, ca, {
      cert: await readFile(files.certFile),
      key: await readFile(files.keyFile),
    });
    const f = await peer.first;
    expect(f.command.type).toBe(CommandType.CONNECTED);
    await until(() => [...broker.broker.connections].some((c) => c.principal.role === 'carol'));
    peer.socket.destroy();
  });

  it('refuses "tls" without a client certificate', async () => {
    const peer = await openTls(broker.portTls!, ca);
    const f = await peer.first;
    expect(f.command.type).toBe(CommandType.ERROR);
    expect(f.command.error?.error).toBe(ServerError.AuthenticationError);
    await peer.closed;
  });
});
