/**
 * Picks the provider a credential names and applies the rules every provider shares: the size
 * limit (checked before anything is parsed), anonymous access, and failure messages that never
 * repeat the credential.
 */
import type { PeerCertificate } from 'node:tls';
import {
  AuthenticationFailure,
  type AuthCredentials,
  type AuthenticatedIdentity,
  type AuthenticationProvider,
  type AuthenticationService,
} from './types.js';

export interface AuthenticationOptions {
  providers: readonly AuthenticationProvider[];
  /** anonymousUserRole; undefined refuses clients without credentials. */
  anonymousRole: string | undefined;
  /** maxAuthDataSizeBytes: longer credentials are refused unparsed. */
  maxAuthDataSizeBytes: number;
}

/** Methods a client uses to say "no credentials" (Pulsar's AuthenticationDisabled sends "none"). */
const ANONYMOUS_METHODS = new Set(['', 'none']);

export class ProviderAuthenticationService implements AuthenticationService {
  readonly enabled = true;
  readonly anonymousRole: string | undefined;
  readonly methods: readonly string[];
  private readonly byMethod: ReadonlyMap<string, AuthenticationProvider>;

  constructor(private readonly options: AuthenticationOptions) {
    this.anonymousRole = options.anonymousRole;
    this.byMethod = new Map(options.providers.map((p) => [p.method, p]));
    this.methods = [...this.byMethod.keys()];
  }

  async authenticate(credentials: AuthCredentials): Promise<AuthenticatedIdentity> {
    this.checkSize(credentials.data.length);
    const method = credentials.method;
    if (ANONYMOUS_METHODS.has(method) && credentials.data.length === 0) return this.anonymous();
    const provider = this.byMethod.get(method);
    if (!provider) {
      throw new AuthenticationFailure(
        `Unsupported authentication method; this broker accepts ${this.describeMethods()}`,
      );
    }
    return this.run(provider, credentials);
  }

  async authenticateHttp(request: {
    authorization: string | undefined;
    peerCertificate?: PeerCertificate;
    remoteAddress: string;
  }): Promise<AuthenticatedIdentity> {
    const { authorization, peerCertificate, remoteAddress } = request;
    if (authorization !== undefined && authorization.trim() !== '') {
      this.checkSize(Buffer.byteLength(authorization, 'utf8'));
      const { method, data } = parseAuthorization(authorization);
      const provider = this.byMethod.get(method);
      if (!provider) {
        throw new AuthenticationFailure(
          `${method} authentication is not enabled; this broker accepts ${this.describeMethods()}`,
        );
      }
      return this.run(provider, { method, data, peerCertificate, remoteAddress, transport: 'http' });
    }
    const tls = this.byMethod.get('tls');
    if (tls && peerCertificate && typeof peerCertificate.subject === 'object') {
      return this.run(tls, {
        method: 'tls',
        data: Buffer.alloc(0),
        peerCertificate,
        remoteAddress,
        transport: 'http',
      });
    }
    return this.anonymous();
  }

  private checkSize(bytes: number): void {
    if (bytes > this.options.maxAuthDataSizeBytes) {
      throw new AuthenticationFailure(
        `Authentication data is ${bytes} bytes, more than maxAuthDataSizeBytes (${this.options.maxAuthDataSizeBytes})`,
      );
    }
  }

  private anonymous(): AuthenticatedIdentity {
    if (this.anonymousRole === undefined) throw new AuthenticationFailure('Authentication required');
    return { role: this.anonymousRole, method: 'anonymous' };
  }

  /** Providers reject with AuthenticationFailure; anything else they throw becomes one too. */
  private async run(
    provider: AuthenticationProvider,
    credentials: AuthCredentials,
  ): Promise<AuthenticatedIdentity> {
    try {
      return await provider.authenticate(credentials);
    } catch (err) {
      if (err instanceof AuthenticationFailure) throw err;
      throw new AuthenticationFailure(`${provider.method} authentication failed`, { cause: err });
    }
  }

  private describeMethods(): string {
    const names = this.methods.length > 0 ? this.methods.join(', ') : 'no credentials';
    return this.anonymousRole === undefined ? names : `${names} (or none, as anonymous)`;
  }
}

/** "Bearer x" → token, "Basic x" → basic; the scheme is case-insensitive (RFC 9110 §11.1). */
function parseAuthorization(header: string): { method: string; data: Buffer } {
  const text = header.trim();
  const space = text.indexOf(' ');
  const scheme = (space < 0 ? text : text.slice(0, space)).toLowerCase();
  const data = Buffer.from(space < 0 ? '' : text.slice(space + 1).trim(), 'utf8');
  if (scheme === 'bearer') return { method: 'token', data };
  if (scheme === 'basic') return { method: 'basic', data };
  throw new AuthenticationFailure('Unsupported Authorization scheme; use Bearer or Basic');
}
