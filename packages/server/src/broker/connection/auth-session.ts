import { CommandType, type CommandAuthResponse } from '@magnetar/protocol';
import { AuthenticationFailure, type AuthCredentials, type AuthenticatedIdentity } from '../../auth/types.js';
import { verifiedPeerCertificate } from '../../tls/peer.js';
import { SERVER_VERSION } from './server-version.js';
import type { ServerConnection } from './server-connection.js';

/**
 * AuthData.auth_data of the AUTH_CHALLENGE that asks a client for fresh credentials: the bytes
 * Pulsar's brokers send (AuthData.REFRESH_AUTH_DATA_BYTES) and its clients recognise.
 */
export const REFRESH_AUTH_DATA = Buffer.from('PulsarAuthRefresh');

/** Where a connection's credential refresh stands. */
export type RefreshState =
  /** The credential is valid, or has expired and the next check acts on it. */
  | 'idle'
  /** AUTH_CHALLENGE sent; the next check closes the connection unless an AUTH_RESPONSE came. */
  | 'challenged'
  /** An AUTH_RESPONSE is being authenticated. */
  | 'verifying';

/** A credential a connection was authenticated with: the provider asked for and what it said. */
export interface Authenticated {
  /** The auth method name as the client sent it (normalised, see `authMethodOf`). */
  method: string;
  identity: AuthenticatedIdentity;
}

export interface AuthSessionOptions {
  /** The connection's own credential (CommandConnect.auth_method_name / auth_data). */
  own: Authenticated;
  /** The client's credential forwarded by a proxy (original_auth_data), when it was authenticated. */
  original?: Authenticated;
  /** CommandConnect.original_principal was given (a proxy connection). */
  proxied: boolean;
  /** CommandConnect.feature_flags.supports_auth_refresh. */
  supportsRefresh: boolean;
}

/**
 * The credential side of an authenticated connection after CONNECT, following Pulsar's ServerCnx
 * (refreshAuthenticationCredentials, handleAuthResponse): every authenticationRefreshCheckSeconds
 * the credential is checked; once expired the client is sent AUTH_CHALLENGE and must answer with
 * AUTH_RESPONSE before the next check, for the same role. Producers and consumers are untouched
 * by a successful refresh. Differences from Pulsar: a failed or role-changing refresh and a
 * missed or impossible one all send CommandError(AuthenticationError) before closing (Pulsar
 * closes silently in some of these cases), and an AUTH_RESPONSE that answers no challenge closes
 * the connection instead of being authenticated (it would let a peer make the broker run, say,
 * bcrypt as often as it likes).
 */
export class AuthSession {
  state: RefreshState = 'idle';
  private own: Authenticated;
  private original: Authenticated | undefined;
  private cancelTimer: () => void = () => {};

  constructor(
    private readonly conn: ServerConnection,
    private readonly options: AuthSessionOptions,
  ) {
    this.own = options.own;
    this.original = options.original;
  }

  /** The credential whose expiry counts: the forwarded client's when there is one (as Pulsar). */
  get watched(): Authenticated {
    return this.original ?? this.own;
  }

  /** Starts the periodic expiry check; nothing to do for a credential that never expires. */
  start(): void {
    if (this.watched.identity.expiresAtMs === undefined) return;
    const periodMs = this.conn.broker.config.authenticationRefreshCheckSeconds * 1000;
    this.cancelTimer = this.conn.broker.scheduler.every(periodMs, () => this.check());
  }

  stop(): void {
    this.cancelTimer();
  }

  /** One expiry check (also called by tests). */
  check(): void {
    const conn = this.conn;
    if (conn.isClosed() || this.state === 'verifying') return;
    if (this.state === 'challenged') {
      conn.failAuthentication('No AUTH_RESPONSE to the credential refresh challenge in time');
      return;
    }
    const expiresAt = this.watched.identity.expiresAtMs;
    if (expiresAt === undefined || conn.broker.clock.now() < expiresAt) return;
    if (this.options.proxied && !this.original) {
      // The broker cannot ask the client behind a proxy that did not forward its credential.
      conn.failAuthentication(
        'Credentials expired; they cannot be refreshed through a proxy that does not forward them',
      );
      return;
    }
    if (!this.options.supportsRefresh) {
      conn.failAuthentication('Credentials expired and the client does not support refreshing them');
      return;
    }
    this.state = 'challenged';
    conn.log.info({ role: this.watched.identity.role }, 'credentials expired: sending AUTH_CHALLENGE');
    conn.send({
      type: CommandType.AUTH_CHALLENGE,
      authChallenge: {
        server_version: SERVER_VERSION,
        protocol_version: conn.protocolVersion,
        challenge: { auth_method_name: this.watched.method, auth_data: REFRESH_AUTH_DATA },
      },
    });
  }

  /** CommandAuthResponse.response: the client's fresh credential for the challenged provider. */
  async onResponse(r: CommandAuthResponse): Promise<void> {
    const conn = this.conn;
    if (this.state !== 'challenged') {
      conn.close('AUTH_RESPONSE without a pending AUTH_CHALLENGE');
      return;
    }
    const data = r.response?.auth_data;
    if (data === undefined) {
      conn.failAuthentication('AUTH_RESPONSE without auth data');
      return;
    }
    this.state = 'verifying';
    const watched = this.watched;
    const forwarded = this.original !== undefined;
    let identity: AuthenticatedIdentity;
    try {
      // The provider stays the one chosen at CONNECT, as in Pulsar (the connection's AuthState).
      identity = await authenticateCredential(conn, watched.method, data, !forwarded);
    } catch (err) {
      if (!conn.isClosed()) conn.failAuthentication(refusalMessage(err), err);
      return;
    }
    if (conn.isClosed()) return;
    if (identity.role !== watched.identity.role) {
      conn.failAuthentication(
        `The role cannot change during a credential refresh (was ${JSON.stringify(watched.identity.role)})`,
      );
      return;
    }
    if (forwarded) this.original = { method: watched.method, identity };
    else this.own = { method: watched.method, identity };
    this.state = 'idle';
    conn.log.info({ role: identity.role, expiresAtMs: identity.expiresAtMs }, 'credentials refreshed');
  }
}

/** Auth method names of CommandConnect.auth_method (the deprecated enum) by value. */
const LEGACY_METHODS = ['none', 'ycav1', 'athens'];

/**
 * The provider a CONNECT asks for: auth_method_name, else the legacy auth_method enum (as Pulsar
 * derives it), else none. "none" (what clients without credentials send) becomes the empty method,
 * which the authentication service answers with the anonymous role when one is configured.
 */
export function authMethodOf(name: string | undefined, legacy: number | undefined): string {
  const method = name ?? (legacy !== undefined ? (LEGACY_METHODS[legacy] ?? '') : '');
  return method === 'none' ? '' : method;
}

/**
 * Authenticates one credential of this connection (the service refuses, unread, one larger than
 * maxAuthDataSizeBytes). The TLS client certificate is passed only when TLS verified it and the
 * credential is the connection's own (a proxy's certificate says nothing about its client).
 */
export function authenticateCredential(
  conn: ServerConnection,
  method: string,
  data: Uint8Array,
  withPeerCertificate: boolean,
): Promise<AuthenticatedIdentity> {
  const credentials: AuthCredentials = {
    method,
    data: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    remoteAddress: conn.remoteAddress,
    transport: 'binary',
  };
  if (withPeerCertificate) {
    const peerCertificate = verifiedPeerCertificate(conn.socket);
    if (peerCertificate) credentials.peerCertificate = peerCertificate;
  }
  return conn.broker.authentication.authenticate(credentials);
}

/** What the client is told when a credential is refused: the provider's reason, never the credential. */
export function refusalMessage(err: unknown): string {
  return err instanceof AuthenticationFailure
    ? `Failed to authenticate: ${err.message}`
    : 'Failed to authenticate';
}
