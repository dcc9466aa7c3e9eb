import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import {
  CommandType,
  FrameDecoder,
  serializeCommand,
  type BaseCommand,
  type Frame,
} from '@magnetar/protocol';
import { AuthenticationError, InvalidConfigurationError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { ClientConnection } from '../connection/connection.js';
import { AuthenticationBasic, AuthenticationTls, AuthenticationToken } from './authentication.js';

/** A fake broker: records what the client sends and lets the test answer frame by frame. */
class FakeBroker {
  readonly received: Frame[] = [];
  socket: Socket | undefined;
  private readonly server: Server;
  private waiters: (() => void)[] = [];

  constructor() {
    this.server = createServer((socket) => {
      this.socket = socket;
      const decoder = new FrameDecoder();
      socket.on('data', (chunk: Buffer) => {
        decoder.push(chunk);
        for (let f = decoder.next(); f; f = decoder.next()) this.received.push(f);
        for (const w of this.waiters.splice(0)) w();
      });
      socket.on('error', () => {});
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  send(cmd: BaseCommand): void {
    this.socket?.write(serializeCommand(cmd));
  }

  async next(type: number): Promise<Frame> {
    for (;;) {
      const i = this.received.findIndex((f) => f.command.type === type);
      if (i >= 0) return this.received.splice(i, 1)[0];
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): Promise<void> {
    this.socket?.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let broker: FakeBroker | undefined;
let conn: ClientConnection | undefined;
afterEach(async () => {
  conn?.close();
  await broker?.close();
});

async function connectTo(auth: ConstructorParameters<typeof ClientConnection>[0]['auth']) {
  broker = new FakeBroker();
  const port = await broker.listen();
  conn = new ClientConnection({
    host: '127.0.0.1',
    port,
    connectionTimeoutMs: 5000,
    operationTimeoutMs: 5000,
    keepAliveIntervalMs: 60_000,
    log: silentLogger,
    auth,
  });
  return { broker, conn };
}

const connected: BaseCommand = {
  type: CommandType.CONNECTED,
  connected: { server_version: 'fake', protocol_version: 20 },
};

describe('credentials on the wire', () => {
  it('CONNECT carries the method, the data and supports_auth_refresh', async () => {
    const { broker, conn } = await connectTo(new AuthenticationToken({ token: 'tok-1' }));
    const connect = (await broker.next(CommandType.CONNECT)).command.connect!;
    expect(connect.auth_method_name).toBe('token');
    expect(Buffer.from(connect.auth_data!).toString()).toBe('tok-1');
    expect(connect.feature_flags?.supports_auth_refresh).toBe(true);
    broker.send(connected);
    await conn.ready();
  });

  it('answers AUTH_CHALLENGE with a fresh token from the supplier on the same connection', async () => {
    let calls = 0;
    const tokenSupplier = () => Promise.resolve(`tok-${++calls}`);
    const { broker, conn } = await connectTo(new AuthenticationToken({ tokenSupplier }));
    await broker.next(CommandType.CONNECT);
    broker.send(connected);
    await conn.ready();

    broker.send({
      type: CommandType.AUTH_CHALLENGE,
      authChallenge: {
        server_version: 'fake',
        protocol_version: 20,
        challenge: { auth_method_name: 'token', auth_data: Buffer.from('PulsarAuthRefresh') },
      },
    });
    const res = (await broker.next(CommandType.AUTH_RESPONSE)).command.authResponse!;
    expect(res.response?.auth_method_name).toBe('token');
    expect(Buffer.from(res.response!.auth_data!).toString()).toBe('tok-2');
    expect(res.protocol_version).toBe(20);
    expect(res.client_version).toMatch(/magnetar/);
    expect(calls).toBe(2);
    expect(conn.state).toBe('ready');
  });

  it('sends "user:password" for basic and empty data for tls', async () => {
    expect(
      (await new AuthenticationBasic({ username: 'bob', password: 'p:w' }).getAuthData()).toString(),
    ).toBe('bob:p:w');
    const tls = new AuthenticationTls({ certificatePath: '/c.pem', privateKeyPath: '/k.pem' });
    expect(tls.authMethodName).toBe('tls');
    expect((await tls.getAuthData()).length).toBe(0);
  });

  it('fails the handshake with a typed, non-retriable error on AuthenticationError', async () => {
    const { broker, conn } = await connectTo(new AuthenticationToken({ token: 'bad' }));
    await broker.next(CommandType.CONNECT);
    broker.send({ type: CommandType.ERROR, error: { request_id: -1, error: 3, message: 'token expired' } });
    const err = await conn.ready().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).code).toBe('AUTHENTICATION_ERROR');
    expect((err as AuthenticationError).retriable).toBe(false);
  });

  it('closes the connection, retriably, when the supplier fails', async () => {
    const { conn } = await connectTo(
      new AuthenticationToken({ tokenSupplier: () => Promise.reject(new Error('vault down')) }),
    );
    const err = await conn.ready().catch((e: unknown) => e);
    expect((err as { code: string }).code).toBe('AUTHENTICATION_ERROR');
    expect((err as { retriable: boolean }).retriable).toBe(true);
    expect(String(err)).toContain('vault down');
  });
});

describe('provider parameters', () => {
  it('refuses empty or malformed credentials', () => {
    expect(() => new AuthenticationToken({ token: '' })).toThrow(InvalidConfigurationError);
    expect(() => new AuthenticationBasic({ username: 'a:b', password: 'x' })).toThrow(
      InvalidConfigurationError,
    );
    expect(() => new AuthenticationTls({ certificatePath: '', privateKeyPath: 'k' })).toThrow(
      InvalidConfigurationError,
    );
  });

  it('accepts a function as token, as the official client does', async () => {
    expect((await new AuthenticationToken({ token: () => 'fn-token' }).getAuthData()).toString()).toBe(
      'fn-token',
    );
  });
});
