/**
 * Client authentication, shaped after the official Node client (`AuthenticationToken`,
 * `AuthenticationBasic`, `AuthenticationTls`). A provider names its method (CommandConnect.
 * auth_method_name) and produces the credential bytes (CommandConnect.auth_data); the connection
 * asks again for every CONNECT and for every AUTH_CHALLENGE, so an expiring token is replaced on
 * the same connection without closing producers or consumers.
 */
import { InvalidConfigurationError } from '../errors.js';

/** Something that proves a role to the broker. Implement it for a custom method. */
export interface Authentication {
  /** CommandConnect.auth_method_name / AuthData.auth_method_name, e.g. "token". */
  readonly authMethodName: string;
  /** Fresh credential bytes; called for every CONNECT and every AUTH_CHALLENGE. */
  getAuthData(): Promise<Buffer>;
  /** Certificate and key the TLS handshake presents (AuthenticationTls); absent for other methods. */
  readonly tlsCertificate?: { certificatePath: string; privateKeyPath: string };
}

/** A token, or a function returning one (called again whenever the broker asks for a fresh one). */
export type TokenSource = string | (() => string | Promise<string>);

export type AuthenticationTokenParams =
  { token: TokenSource } | { tokenSupplier: () => string | Promise<string> };

/** JSON Web Token authentication (method "token"); the official client's `{ token }`, plus `{ tokenSupplier }`. */
export class AuthenticationToken implements Authentication {
  readonly authMethodName = 'token';
  private readonly source: TokenSource;

  constructor(params: AuthenticationTokenParams) {
    const source =
      'tokenSupplier' in params ? params.tokenSupplier : (params as { token?: TokenSource }).token;
    if (typeof source === 'function') this.source = source;
    else if (typeof source === 'string' && source !== '') this.source = source;
    else
      throw new InvalidConfigurationError('AuthenticationToken needs a non-empty token or a tokenSupplier');
  }

  async getAuthData(): Promise<Buffer> {
    const token = typeof this.source === 'function' ? await this.source() : this.source;
    if (typeof token !== 'string' || token === '') {
      throw new InvalidConfigurationError('the token supplier returned no token');
    }
    return Buffer.from(token, 'utf8');
  }
}

/** Basic authentication against the broker's htpasswd file (method "basic"): "username:password". */
export class AuthenticationBasic implements Authentication {
  readonly authMethodName = 'basic';
  private readonly data: Buffer;

  constructor(params: { username: string; password: string }) {
    const { username, password } = params;
    if (typeof username !== 'string' || username === '' || username.includes(':')) {
      throw new InvalidConfigurationError('AuthenticationBasic needs a username without ":"');
    }
    if (typeof password !== 'string')
      throw new InvalidConfigurationError('AuthenticationBasic needs a password');
    this.data = Buffer.from(`${username}:${password}`, 'utf8');
  }

  getAuthData(): Promise<Buffer> {
    return Promise.resolve(this.data);
  }
}

/**
 * TLS client-certificate authentication (method "tls"): the role is the certificate's common name,
 * proven in the TLS handshake, so the CONNECT carries no data. Needs a `pulsar+ssl://` service URL.
 */
export class AuthenticationTls implements Authentication {
  readonly authMethodName = 'tls';
  readonly tlsCertificate: { certificatePath: string; privateKeyPath: string };

  constructor(params: { certificatePath: string; privateKeyPath: string }) {
    const { certificatePath, privateKeyPath } = params;
    if (!certificatePath || !privateKeyPath) {
      throw new InvalidConfigurationError('AuthenticationTls needs certificatePath and privateKeyPath');
    }
    this.tlsCertificate = { certificatePath, privateKeyPath };
  }

  getAuthData(): Promise<Buffer> {
    return Promise.resolve(Buffer.alloc(0));
  }
}
