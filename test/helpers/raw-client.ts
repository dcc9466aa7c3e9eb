import { connect, type Socket } from 'node:net';
import {
  CommandType,
  FrameDecoder,
  serializeCommand,
  serializePayloadCommand,
  type BaseCommand,
  type Frame,
  type MessageMetadata,
} from '@magnetar/protocol';

/**
 * A protocol-level test client: it speaks frames, not an API, so broker tests can send exactly
 * the commands (and the mistakes) they need and see every frame the broker answers with.
 */
export class RawClient {
  readonly frames: Frame[] = [];
  closed = false;
  /** When false, broker PINGs go unanswered (to test dead-connection detection). */
  answerPings = true;
  private readonly decoder = new FrameDecoder();
  private waiters: { pred: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  private closeWaiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.decoder.push(chunk);
      for (let f = this.decoder.next(); f; f = this.decoder.next()) this.onFrame(f);
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.closeWaiters) w();
    });
    socket.on('error', () => {});
  }

  static async open(port: number): Promise<RawClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** Opens a connection and completes the handshake. */
  static async connected(port: number, protocolVersion = 20): Promise<RawClient> {
    const c = await RawClient.open(port);
    c.send({
      type: CommandType.CONNECT,
      connect: { client_version: 'raw-test', protocol_version: protocolVersion },
    });
    await c.next((f) => f.command.type === CommandType.CONNECTED);
    return c;
  }

  send(cmd: BaseCommand): void {
    this.socket.write(serializeCommand(cmd));
  }

  sendPayload(cmd: BaseCommand, metadata: MessageMetadata, payload: Buffer, checksum = true): void {
    this.socket.write(serializePayloadCommand(cmd, metadata, payload, { checksum }));
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next frame (already received or future) matching `pred`; consumed from the backlog. */
  next(pred: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const i = this.frames.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.frames.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('timed out waiting for a frame')), timeoutMs);
      this.waiters.push({
        pred,
        resolve: (f) => {
          clearTimeout(t);
          resolve(f);
        },
      });
    });
  }

  /** Waits for a response carrying this request_id (SUCCESS, ERROR, PRODUCER_SUCCESS, ...). */
  response(requestId: number, timeoutMs?: number): Promise<Frame> {
    return this.next((f) => {
      for (const [k, v] of Object.entries(f.command)) {
        if (
          k !== 'type' &&
          v &&
          typeof v === 'object' &&
          (v as { request_id?: number }).request_id === requestId
        )
          return true;
      }
      return false;
    }, timeoutMs);
  }

  /** Collects `n` MESSAGE frames for a consumer. */
  async messages(consumerId: number, n: number, timeoutMs = 5000): Promise<Frame[]> {
    const out: Frame[] = [];
    for (let i = 0; i < n; i++) {
      out.push(
        await this.next(
          (f) => f.command.type === CommandType.MESSAGE && f.command.message?.consumer_id === consumerId,
          timeoutMs,
        ),
      );
    }
    return out;
  }

  whenClosed(timeoutMs = 5000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('connection did not close')), timeoutMs);
      this.closeWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onFrame(f: Frame): void {
    if (f.command.type === CommandType.PING) {
      if (this.answerPings) this.send({ type: CommandType.PONG, pong: {} });
      return;
    }
    const i = this.waiters.findIndex((w) => w.pred(f));
    if (i >= 0) {
      const [w] = this.waiters.splice(i, 1);
      w.resolve(f);
    } else {
      this.frames.push(f);
    }
  }
}
