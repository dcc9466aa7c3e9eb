import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import {
  CommandType,
  ServerError,
  FrameDecoder,
  ProtocolError,
  commandTypeName,
  serializeCommand,
  type BaseCommand,
  type Frame,
} from '@magnetar/protocol';
import type { Principal } from '../../auth/types.js';
import type { BrokerService } from '../broker-service.js';
import type { Consumer } from '../subscription/consumer.js';
import type { Producer } from '../topic/producer.js';
import { handlers } from '../handlers/index.js';
import { BrokerError, notAllowed, toServerError } from '../errors.js';
import type { AuthSession } from './auth-session.js';
import { Outbound } from './outbound.js';
import { ASYNC_REQUESTS, findRequestId, requestErrorFrame } from './request-errors.js';

/** Lifecycle of a client connection. */
export type ConnectionState =
  /** TCP accepted; only CONNECT is allowed. */
  | 'awaiting-connect'
  /** CONNECT received, its credentials being checked; any frame now closes the connection. */
  | 'authenticating'
  /** Handshake done; every command allowed. */
  | 'connected'
  /** Closed by either side; producers and consumers removed. */
  | 'closed';

/**
 * One client connection: decodes frames, routes each to its command handler, owns the
 * connection's producers and consumers, and answers keep-alive. Inbound back-pressure: the socket
 * is paused while too many publishes wait for storage. Until CONNECT succeeds, frames are limited
 * to maxUnauthenticatedFrameSizeBytes; requests answered asynchronously are limited to
 * maxPendingRequestsPerConnection at a time.
 */
export class ServerConnection {
  state: ConnectionState = 'awaiting-connect';
  protocolVersion = 0;
  clientVersion = '';
  /** Who the client is: set by CONNECT; role undefined while authentication is disabled. */
  principal: Principal = { role: undefined };
  /** The credential refresh of an authenticated connection (see auth-session.ts). */
  authSession: AuthSession | undefined;
  readonly producers = new Map<number, Producer>();
  readonly consumers = new Map<number, Consumer>();
  /** Consumers that found this socket full; its next drain wakes their dispatchers. */
  private readonly drainWaiters = new Set<Consumer>();
  readonly remoteAddress: string;
  readonly connectedSince: number;
  readonly out: Outbound;
  readonly log: Logger;
  private readonly decoder: FrameDecoder;
  private pendingPublishes = 0;
  private pausedForPublishes = false;
  /** Publish-rate throttles of topics this connection produces to (see policies/topic-policies.ts). */
  private readingHolds = 0;
  private lastSeen: number;
  /** Requests of ASYNC_REQUESTS handed to their handler and not yet answered. */
  private pendingRequests = 0;
  /** PRODUCER / SUBSCRIBE commands admitted under the per-connection limits but not yet registered. */
  private producersBeingCreated = 0;
  private consumersBeingCreated = 0;
  private cancelKeepAlive: () => void = () => {};
  private cancelConnectTimeout: () => void = () => {};

  constructor(
    readonly id: number,
    readonly socket: Socket,
    readonly broker: BrokerService,
  ) {
    this.remoteAddress = `${socket.remoteAddress}:${socket.remotePort}`;
    this.connectedSince = broker.clock.now();
    this.lastSeen = this.connectedSince;
    this.log = broker.log.child({ conn: id, remote: this.remoteAddress });
    this.decoder = new FrameDecoder({
      maxFrameSize: Math.min(broker.config.maxUnauthenticatedFrameSizeBytes, broker.maxFrameSize),
    });
    this.out = new Outbound(socket, broker.maxFrameSize * 16, () =>
      this.close('peer does not read its socket: output buffer over limit'),
    );
    // Dispatchers stop sending to a consumer while this socket is full; its drain must restart
    // them, or a consumer of large messages stalls until some unrelated event wakes its dispatcher.
    // Only the consumers turned away (wakeOnDrain) are woken: with thousands of consumers on one
    // connection, waking them all on every drain cost 17% of the broker's time (BENCHMARKS.md).
    this.out.onDrain(() => {
      if (this.drainWaiters.size === 0) return;
      const waiting = [...this.drainWaiters];
      this.drainWaiters.clear();
      for (const c of waiting) if (!c.closed) c.subscription.dispatcher?.wake();
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.log.debug({ err: err.message }, 'socket error'));
    socket.on('close', () => this.onClosed());
    this.cancelConnectTimeout = broker.scheduler.after(broker.config.connectionTimeoutMs, () => {
      if (this.state === 'awaiting-connect' || this.state === 'authenticating')
        this.close('CONNECT not completed within connectionTimeoutMs');
    });
  }

  /** Wakes `c`'s dispatcher at this socket's next drain (see the constructor). */
  wakeOnDrain(c: Consumer): void {
    this.drainWaiters.add(c);
  }

  /** True once the connection is closed (a method, so checks after an await are not narrowed away). */
  isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Sends a simple command. */
  send(cmd: BaseCommand): void {
    if (this.state === 'closed') return;
    this.out.write(serializeCommand(cmd));
  }

  /** Sends CommandError for a request (CommandError.request_id, error, message). */
  sendError(requestId: number, err: unknown): void {
    const { code, message } = toServerError(err);
    this.send({ type: CommandType.ERROR, error: { request_id: requestId, error: code, message } });
  }

  /**
   * Refuses the connection's credentials as Pulsar's ServerCnx.authenticationFailed does:
   * CommandError(request_id -1, AuthenticationError), then close.
   */
  failAuthentication(message: string, cause?: unknown): void {
    if (this.state === 'closed') return;
    this.log.warn(
      { role: this.principal.role, reason: message, err: errorText(cause) },
      'authentication failed',
    );
    this.send({
      type: CommandType.ERROR,
      error: { request_id: -1, error: ServerError.AuthenticationError, message },
    });
    this.close(`authentication failed: ${message}`);
  }

  /** The handshake succeeded: full-size frames from now on; CONNECTED is the caller's to send. */
  connectSucceeded(): void {
    this.state = 'connected';
    this.decoder.setMaxFrameSize(this.broker.maxFrameSize);
  }

  /**
   * Reserves room for one more producer under maxProducersPerConnection (0 = no limit), counting
   * those still being created; the returned function releases the reservation once the producer
   * is registered in `producers` or has failed.
   */
  reserveProducer(): () => void {
    const limit = this.broker.config.maxProducersPerConnection;
    if (limit > 0 && this.producers.size + this.producersBeingCreated >= limit) {
      throw notAllowed(`This connection already has ${limit} producers (maxProducersPerConnection)`);
    }
    this.producersBeingCreated++;
    return once(() => this.producersBeingCreated--);
  }

  /** As reserveProducer, for consumers under maxConsumersPerConnection. */
  reserveConsumer(): () => void {
    const limit = this.broker.config.maxConsumersPerConnection;
    if (limit > 0 && this.consumers.size + this.consumersBeingCreated >= limit) {
      throw notAllowed(`This connection already has ${limit} consumers (maxConsumersPerConnection)`);
    }
    this.consumersBeingCreated++;
    return once(() => this.consumersBeingCreated--);
  }

  sendSuccess(requestId: number): void {
    this.send({ type: CommandType.SUCCESS, success: { request_id: requestId } });
  }

  /** Called by the SEND handler: tracks publishes waiting for storage and pauses reading past the limit. */
  publishStarted(): void {
    this.pendingPublishes++;
    if (
      !this.pausedForPublishes &&
      this.pendingPublishes >= this.broker.config.maxPendingPublishRequestsPerConnection
    ) {
      this.pausedForPublishes = true;
      this.socket.pause();
    }
  }

  publishFinished(): void {
    this.pendingPublishes--;
    const resumeAt = this.broker.config.maxPendingPublishRequestsPerConnection >> 1;
    if (this.pausedForPublishes && this.pendingPublishes <= resumeAt) {
      this.pausedForPublishes = false;
      if (this.readingHolds === 0) this.socket.resume();
    }
  }

  /** Stops reading frames until every pauseReading has its resumeReading (publish throttling). */
  pauseReading(): void {
    if (this.readingHolds++ === 0) this.socket.pause();
  }

  resumeReading(): void {
    if (this.readingHolds === 0) return;
    if (--this.readingHolds === 0 && !this.pausedForPublishes) this.socket.resume();
  }

  /** Starts the broker-side keep-alive once the handshake is done. */
  startKeepAlive(): void {
    const intervalMs = this.broker.config.keepAliveIntervalSeconds * 1000;
    this.cancelKeepAlive = this.broker.scheduler.every(intervalMs, () => {
      if (this.broker.clock.now() - this.lastSeen > 2 * intervalMs) {
        this.close('keep-alive: no frame from the peer for two intervals');
        return;
      }
      this.send({ type: CommandType.PING, ping: {} });
    });
  }

  /** Closes the connection with a logged reason; idempotent. */
  close(reason: string): void {
    if (this.state === 'closed') return;
    this.log.info({ reason }, 'closing connection');
    this.out.flushNow();
    this.socket.end();
    // A peer that ignores FIN must not keep the socket (and its consumers) alive.
    const t = setTimeout(() => this.socket.destroy(), 1000);
    t.unref();
    this.onClosed();
  }

  private onData(chunk: Buffer): void {
    this.lastSeen = this.broker.clock.now();
    try {
      this.decoder.push(chunk);
      for (let frame = this.decoder.next(); frame; frame = this.decoder.next()) {
        if (this.state === 'closed') return;
        this.dispatch(frame);
      }
    } catch (err) {
      if (err instanceof ProtocolError) {
        this.log.warn({ code: err.code, err: err.message }, 'malformed input');
        this.close(`protocol error: ${err.code}`);
      } else {
        this.log.error({ err }, 'unexpected error while handling a frame');
        this.close('internal error');
      }
    }
  }

  private dispatch(frame: Frame): void {
    const cmd = frame.command;
    if (this.state === 'awaiting-connect' && cmd.type !== CommandType.CONNECT) {
      this.close(`${commandTypeName(cmd.type)} before CONNECT`);
      return;
    }
    // As Pulsar (checkArgument(state == Connected) in every handler): nothing may overtake the
    // authentication of a CONNECT.
    if (this.state === 'authenticating') {
      this.close(`${commandTypeName(cmd.type)} while CONNECT is being authenticated`);
      return;
    }
    const handler = handlers[cmd.type];
    if (!handler) {
      this.unsupported(cmd);
      return;
    }
    if (!ASYNC_REQUESTS.has(cmd.type)) {
      void this.settle(cmd, handler(this, cmd, frame));
      return;
    }
    if (this.pendingRequests >= this.broker.config.maxPendingRequestsPerConnection) {
      this.refuse(
        cmd,
        ServerError.TooManyRequests,
        `Too many pending requests on this connection (maxPendingRequestsPerConnection ${this.broker.config.maxPendingRequestsPerConnection})`,
      );
      return;
    }
    this.pendingRequests++;
    const done = () => {
      this.pendingRequests--;
    };
    const result = this.settle(cmd, handler(this, cmd, frame));
    if (result) void result.then(done);
    else done();
  }

  /** Answers a handler's rejection with the matching ServerError; resolves once it is settled. */
  private settle(cmd: BaseCommand, result: void | Promise<void>): Promise<void> | undefined {
    if (!result) return undefined;
    return result.catch((err: unknown) => {
      // A refusal the client caused (BrokerError) is routine; anything else is our bug.
      if (err instanceof BrokerError || err instanceof ProtocolError)
        this.log.debug({ err: err.message, command: commandTypeName(cmd.type) }, 'request refused');
      else this.log.error({ err, command: commandTypeName(cmd.type) }, 'handler failed');
      const requestId = findRequestId(cmd);
      if (requestId !== undefined) this.sendError(requestId, err);
    });
  }

  /** Refuses a request in the form its command expects (see request-errors.ts). */
  private refuse(cmd: BaseCommand, code: number, message: string): void {
    this.log.debug({ command: commandTypeName(cmd.type), code, message }, 'request refused');
    const frame = requestErrorFrame(cmd, code, message);
    if (frame) this.send(frame);
  }

  private unsupported(cmd: BaseCommand): void {
    const name = commandTypeName(cmd.type);
    const requestId = findRequestId(cmd);
    this.log.warn({ command: name }, 'unsupported command');
    if (requestId !== undefined) {
      this.send({
        type: CommandType.ERROR,
        error: {
          request_id: requestId,
          error: ServerError.NotAllowedError,
          message: `${name} is not supported by this broker`,
        },
      });
    }
  }

  private onClosed(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.cancelKeepAlive();
    this.cancelConnectTimeout();
    this.authSession?.stop();
    for (const p of this.producers.values()) p.topic.removeProducer(p);
    for (const c of this.consumers.values()) c.subscription.removeConsumer(c);
    this.producers.clear();
    this.consumers.clear();
    this.drainWaiters.clear();
    this.broker.connectionClosed(this);
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

function errorText(err: unknown): string | undefined {
  if (err === undefined) return undefined;
  return err instanceof Error ? err.message : String(err);
}
