import net from 'node:net';
import tls from 'node:tls';
import type { Authentication } from '../auth/authentication.js';
import { ConnectionClosedError, PulsarClientError, TimeoutError, TlsError, serverError } from '../errors.js';
import type { Logger } from '../logger.js';
import { deferred } from '../util/deferred.js';
import { dispatchFrame } from './dispatch.js';
import { tlsConnectOptions, type ClientTls } from './tls-options.js';
import { CommandType, FrameReader, encodeCommand, type Command, type DecodedFrame } from './wire.js';
import { WriteQueue } from './write-queue.js';

/** Version string sent in CONNECT.client_version. */
export const CLIENT_VERSION = 'magnetar-client-0.1.0';
const PROTOCOL_VERSION = 20;
/** Pulsar's documented default when the broker does not advertise `max_message_size`. */
const DEFAULT_MAX_MESSAGE_SIZE = 5 * 1024 * 1024;
/** Frame headers (command, metadata) may exceed the message limit; Pulsar allows 10 KB more. */
const FRAME_OVERHEAD_BYTES = 10 * 1024;

export interface ConnectionOptions {
  host: string;
  port: number;
  connectionTimeoutMs: number;
  operationTimeoutMs: number;
  keepAliveIntervalMs: number;
  log: Logger;
  /** Connect over TLS (`pulsar+ssl://`). */
  useTls?: boolean;
  /** Trust store and client certificate for TLS connections; Node's bundled CAs if absent. */
  tls?: ClientTls;
  /** Credentials sent in CONNECT and in answer to AUTH_CHALLENGE; none ("none") if absent. */
  auth?: Authentication;
}

/** Sent in CONNECT when the client has no Authentication, as the official clients' AuthenticationDisabled. */
const NO_AUTH_METHOD = 'none';
/** Without TLS settings: verify the chain against Node's CAs, not the host name. */
const DEFAULT_TLS: ClientTls = { allowInsecureConnection: false, validateHostname: false };

/** Receives the commands addressed to one producer id on this connection. */
export interface ProducerHandler {
  onSendReceipt(cmd: Record<string, unknown>): void;
  onSendError(cmd: Record<string, unknown>): void;
  /** The broker closed the producer (topic unloaded): re-lookup and re-create. */
  onClosedByBroker(): void;
  onConnectionClosed(): void;
}

/** Receives the commands addressed to one consumer id on this connection. */
export interface ConsumerHandler {
  onMessage(cmd: Record<string, unknown>, frame: DecodedFrame): void;
  onClosedByBroker(): void;
  onConnectionClosed(): void;
  onReachedEndOfTopic?(): void;
  onActiveConsumerChange?(isActive: boolean): void;
}

interface PendingRequest {
  resolve: (cmd: Command) => void;
  reject: (err: unknown) => void;
  timer: NodeJS.Timeout;
}

/**
 * Connection states: 'connecting' until CONNECTED arrives, 'ready' while usable, 'closed' once the
 * socket is gone (a closed connection is never reused; the pool opens a new one).
 */
type State = 'connecting' | 'ready' | 'closed';

/**
 * One TCP (or TLS) connection to one broker: the handshake with its credentials, keep-alive,
 * credential refresh (AUTH_CHALLENGE), request/response correlation by request_id, and routing of
 * producer and consumer commands to their handlers.
 */
export class ClientConnection {
  state: State = 'connecting';
  maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
  protocolVersion = PROTOCOL_VERSION;
  readonly address: string;
  readonly producers = new Map<number, ProducerHandler>();
  readonly consumers = new Map<number, ConsumerHandler>();
  private readonly requests = new Map<number, PendingRequest>();
  private readonly socket: net.Socket;
  /** Every outgoing frame goes through here: coalesced per tick, paused while the socket is full. */
  private readonly out: WriteQueue;
  private reader = new FrameReader(DEFAULT_MAX_MESSAGE_SIZE + FRAME_OVERHEAD_BYTES);
  /** A larger frame limit the broker advertised, applied once the current reader is drained. */
  private widenReaderTo: number | undefined;
  private readonly closeListeners: (() => void)[] = [];
  private readonly handshake = deferred<void>();
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private lastReceivedAt = Date.now();
  private nextRequestId = 0;

  constructor(private readonly opts: ConnectionOptions) {
    this.address = `${opts.host}:${opts.port}`;
    if (opts.useTls) {
      this.socket = tls.connect(tlsConnectOptions(opts.tls ?? DEFAULT_TLS, opts.host, opts.port));
      this.socket.setNoDelay(true);
      // CONNECT goes out once the handshake verified the broker's certificate.
      this.socket.on('secureConnect', () => void this.sendConnect());
    } else {
      this.socket = net.connect({ host: opts.host, port: opts.port, noDelay: true });
      this.socket.on('connect', () => void this.sendConnect());
    }
    this.out = new WriteQueue(this.socket);
    this.socket.on('data', (chunk) => this.onData(chunk));
    this.socket.on('error', (err) => this.close(this.socketError(err)));
    this.socket.on('close', () =>
      this.close(new ConnectionClosedError(`connection to ${this.address} closed`)),
    );
    // Swallow the rejection if nobody awaits the handshake (the close path reports it anyway).
    this.handshake.promise.catch(() => undefined);
  }

  /** Resolves once CONNECTED arrived; fails on timeout, ERROR or socket failure. */
  async ready(): Promise<this> {
    const timer = setTimeout(
      () => this.close(new TimeoutError(`connecting to ${this.address} timed out`)),
      this.opts.connectionTimeoutMs,
    );
    try {
      await this.handshake.promise;
      return this;
    } finally {
      clearTimeout(timer);
    }
  }

  newRequestId(): number {
    return this.nextRequestId++;
  }

  onClose(listener: () => void): void {
    if (this.state === 'closed') listener();
    else this.closeListeners.push(listener);
  }

  /**
   * Queues one encoded frame; frames queued in one tick leave together, in order (write-queue.ts).
   * Returns false only when the connection is closed: the frame is dropped (the reconnect path
   * resends what matters).
   */
  write(frame: Buffer): boolean {
    if (this.state === 'closed') return false;
    this.out.write(frame);
    return true;
  }

  send(cmd: Command): boolean {
    return this.write(encodeCommand(cmd));
  }

  /**
   * Sends a command carrying `request_id` in its sub-command and waits for the matching response
   * (SUCCESS, PRODUCER_SUCCESS, LOOKUP_RESPONSE, …). ERROR becomes a ServerErrorException.
   */
  request(cmd: Command, requestId: number, timeoutMs = this.opts.operationTimeoutMs): Promise<Command> {
    if (this.state === 'closed')
      return Promise.reject(new ConnectionClosedError(`${this.address} is closed`));
    const d = deferred<Command>();
    const timer = setTimeout(() => {
      this.requests.delete(requestId);
      d.reject(new TimeoutError(`request ${requestId} to ${this.address} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    this.requests.set(requestId, { resolve: d.resolve, reject: d.reject, timer });
    this.send(cmd);
    return d.promise;
  }

  /** Completes the request waiting for `requestId`; called by the dispatcher. */
  completeRequest(requestId: number, cmd: Command, err?: unknown): void {
    const pending = this.requests.get(requestId);
    if (!pending) return;
    this.requests.delete(requestId);
    clearTimeout(pending.timer);
    if (err === undefined) pending.resolve(cmd);
    else pending.reject(err);
  }

  /** CommandConnected: negotiated version and the broker's max_message_size. */
  onConnected(connected: Record<string, unknown>): void {
    if (typeof connected.max_message_size === 'number' && connected.max_message_size > 0) {
      this.maxMessageSize = connected.max_message_size;
      // A broker that allows larger messages sends larger MESSAGE frames (a chunk is as large as
      // the limit), so the reader must accept them too.
      if (this.maxMessageSize > DEFAULT_MAX_MESSAGE_SIZE) {
        this.widenReaderTo = this.maxMessageSize + FRAME_OVERHEAD_BYTES;
      }
    }
    if (typeof connected.protocol_version === 'number') this.protocolVersion = connected.protocol_version;
    this.state = 'ready';
    this.startKeepAlive();
    this.handshake.resolve();
  }

  /**
   * CommandAuthChallenge: the broker wants fresh credentials (the ones given expired, or a
   * multi-step method continues). Answered with AUTH_RESPONSE on this connection, which stays open
   * with its producers and consumers.
   */
  onAuthChallenge(): void {
    void this.answerChallenge();
  }

  /** An ERROR before CONNECTED fails the handshake; afterwards it answers a request. */
  onError(error: Record<string, unknown>): void {
    const err = serverError(Number(error.error ?? 0), String(error.message ?? ''));
    if (this.state === 'connecting') this.close(err);
    else this.completeRequest(Number(error.request_id), { type: CommandType.ERROR }, err);
  }

  close(err: Error = new ConnectionClosedError(`connection to ${this.address} closed`)): void {
    if (this.state === 'closed') return;
    const wasReady = this.state === 'ready';
    this.state = 'closed';
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    // Frames written just before close still go to the kernel, as they did when each write went
    // straight to the socket; then the rest is dropped with the socket.
    if (!this.socket.destroyed && !this.socket.connecting) this.out.flushNow();
    this.out.clear();
    this.socket.destroy();
    this.handshake.reject(err);
    if (wasReady) this.opts.log('info', `connection to ${this.address} closed: ${err.message}`);
    for (const [id, pending] of this.requests) {
      clearTimeout(pending.timer);
      pending.reject(err instanceof PulsarClientError ? err : new ConnectionClosedError(err.message, err));
      this.requests.delete(id);
    }
    for (const p of [...this.producers.values()]) p.onConnectionClosed();
    for (const c of [...this.consumers.values()]) c.onConnectionClosed();
    this.producers.clear();
    this.consumers.clear();
    for (const l of this.closeListeners.splice(0)) l();
  }

  private async sendConnect(): Promise<void> {
    const data = await this.credentials();
    if (data === undefined || this.state !== 'connecting') return;
    this.send({
      type: CommandType.CONNECT,
      connect: {
        client_version: CLIENT_VERSION,
        protocol_version: PROTOCOL_VERSION,
        auth_method_name: this.opts.auth?.authMethodName ?? NO_AUTH_METHOD,
        ...(this.opts.auth ? { auth_data: data } : {}),
        feature_flags: { supports_auth_refresh: true, supports_broker_entry_metadata: true },
      },
    });
  }

  private async answerChallenge(): Promise<void> {
    const data = await this.credentials();
    if (data === undefined || this.state === 'closed') return;
    this.send({
      type: CommandType.AUTH_RESPONSE,
      authResponse: {
        client_version: CLIENT_VERSION,
        protocol_version: PROTOCOL_VERSION,
        response: { auth_method_name: this.opts.auth?.authMethodName ?? NO_AUTH_METHOD, auth_data: data },
      },
    });
  }

  /**
   * Fresh credential bytes from the Authentication (a token supplier is called each time); empty
   * without one. A supplier that fails closes the connection, retriably: it may work next time.
   */
  private async credentials(): Promise<Buffer | undefined> {
    if (!this.opts.auth) return Buffer.alloc(0);
    try {
      return await this.opts.auth.getAuthData();
    } catch (err) {
      this.close(
        new PulsarClientError('AUTHENTICATION_ERROR', `no credentials for ${this.address}: ${String(err)}`, {
          retriable: true,
          cause: err,
        }),
      );
      return undefined;
    }
  }

  /** A failed TLS handshake is a TlsError (not retriable); any other socket error, a closed connection. */
  private socketError(err: Error): PulsarClientError {
    if (this.opts.useTls && this.state === 'connecting' && isTlsFailure(err)) {
      return new TlsError(`TLS handshake with ${this.address} failed: ${err.message}`, err);
    }
    return new ConnectionClosedError(`connection to ${this.address} failed`, err);
  }

  private onData(chunk: Buffer): void {
    this.lastReceivedAt = Date.now();
    try {
      this.reader.push(chunk);
      for (let frame = this.reader.next(); frame; frame = this.reader.next()) {
        dispatchFrame(this, frame);
        if (this.state === 'closed') return;
        if (this.widenReaderTo !== undefined && this.reader.bufferedBytes === 0) {
          this.reader = new FrameReader(this.widenReaderTo);
          this.widenReaderTo = undefined;
        }
      }
    } catch (err) {
      // A malformed frame leaves the stream unusable; reconnecting is the only recovery.
      this.close(new ConnectionClosedError(`bad frame from ${this.address}`, err));
    }
  }

  /**
   * Sends PING when the connection has been quiet for one interval, and drops it when nothing at
   * all (not even PONG) arrived for two, as the official clients do.
   */
  private startKeepAlive(): void {
    const interval = this.opts.keepAliveIntervalMs;
    this.keepAliveTimer = setInterval(() => {
      const silentMs = Date.now() - this.lastReceivedAt;
      if (silentMs >= 2 * interval) {
        this.close(new ConnectionClosedError(`no traffic from ${this.address} for ${silentMs} ms`));
      } else if (silentMs >= interval) {
        this.send({ type: CommandType.PING, ping: {} });
      }
    }, interval);
    this.keepAliveTimer.unref();
  }
}

/**
 * Node's codes for certificate verification failures (OpenSSL's X509_V_ERR names, such as
 * UNABLE_TO_VERIFY_LEAF_SIGNATURE or CERT_HAS_EXPIRED), host name mismatches
 * (ERR_TLS_CERT_ALTNAME_INVALID) and TLS alerts from the broker (ERR_SSL_..., e.g. the broker
 * refusing the client's certificate). Resets and refusals are network failures, not these.
 */
function isTlsFailure(err: Error): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return /^ERR_SSL_|^ERR_TLS_CERT|CERT|SELF_SIGNED|ISSUER|UNABLE_TO_VERIFY|SIGNATURE/.test(code);
}
