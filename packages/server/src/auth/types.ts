/**
 * The contracts of authentication (who is this client?) and authorization (may this role do that?).
 * The binary protocol (broker/handlers/connect.ts and every command handler) and the HTTP server
 * (admin/auth-hook.ts) both go through these two services, so a role means the same on either port.
 */
import type { PeerCertificate } from 'node:tls';
import type { TopicName } from '@magnetar/protocol';

/** What a client presented, on either transport. */
export interface AuthCredentials {
  /**
   * The provider asked for: CommandConnect.auth_method_name / AuthData.auth_method_name on the
   * binary protocol ("token", "basic", "tls"); over HTTP, "token" for `Authorization: Bearer`,
   * "basic" for `Authorization: Basic`, "tls" when only a client certificate was presented.
   */
  method: string;
  /**
   * The credential bytes: CommandConnect.auth_data / CommandAuthResponse.response.auth_data, or the
   * part of the Authorization header after the scheme (still base64 for Basic). Empty for "tls".
   */
  data: Buffer;
  /** The client certificate, present only when TLS verified it against tlsTrustCertsFilePath. */
  peerCertificate?: PeerCertificate;
  /** "ip:port" of the peer, for logs and per-IP limits. */
  remoteAddress: string;
  /**
   * Where `data` came from: "binary" (the default) or "http". It matters for basic, whose binary
   * auth_data is "user:password" while HTTP sends it base64-encoded. authenticateHttp sets it.
   */
  transport?: 'binary' | 'http';
}

/** The outcome of a successful authentication. */
export interface AuthenticatedIdentity {
  role: string;
  /** The provider that accepted the credential ("token", "basic", "tls", or "anonymous"). */
  method: string;
  /** When the credential stops being valid (a token's exp), in ms since the epoch; absent = never. */
  expiresAtMs?: number;
}

/** One way of proving a role (Pulsar's AuthenticationProvider). */
export interface AuthenticationProvider {
  /** The auth_method_name this provider answers to. */
  readonly method: string;
  /** Resolves with the identity, or rejects with AuthenticationFailure; never hangs. */
  authenticate(credentials: AuthCredentials): Promise<AuthenticatedIdentity>;
}

/**
 * A refused credential. Maps to ServerError.AuthenticationError on the binary protocol (then the
 * connection closes) and to HTTP 401. The message is safe to send: it never echoes the credential.
 */
export class AuthenticationFailure extends Error {
  readonly code = 'AUTHENTICATION_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuthenticationFailure';
  }
}

export interface AuthenticationService {
  /** authenticationEnabled: when false, every client is accepted with no role. */
  readonly enabled: boolean;
  /** anonymousUserRole, or undefined when clients without credentials are refused. */
  readonly anonymousRole: string | undefined;
  /** The method names of the configured providers. */
  readonly methods: readonly string[];
  /**
   * Authenticates a binary-protocol CONNECT or AUTH_RESPONSE. An empty or absent method with no data
   * gets the anonymous role when one is configured. Rejects with AuthenticationFailure.
   */
  authenticate(credentials: AuthCredentials): Promise<AuthenticatedIdentity>;
  /**
   * Authenticates an HTTP request from its Authorization header (Bearer → token, Basic → basic) or
   * else its verified client certificate (tls), or else as anonymous. Rejects with AuthenticationFailure.
   */
  authenticateHttp(request: {
    authorization: string | undefined;
    peerCertificate?: PeerCertificate;
    remoteAddress: string;
  }): Promise<AuthenticatedIdentity>;
}

/** Permissions a role can be granted on a namespace or topic (Pulsar's AuthAction). */
export type AuthAction = 'produce' | 'consume' | 'functions' | 'sources' | 'sinks' | 'packages';
export const AUTH_ACTIONS: readonly AuthAction[] = [
  'produce',
  'consume',
  'functions',
  'sources',
  'sinks',
  'packages',
];

/**
 * Who is asking. `role` is the authenticated role (undefined when authentication is disabled);
 * `originalPrincipal` is the client a proxy role acts for (CommandConnect.original_principal, or the
 * X-Original-Principal header over HTTP).
 */
export interface Principal {
  role: string | undefined;
  originalPrincipal?: string;
}

/**
 * Pulsar's PulsarAuthorizationProvider semantics. When a principal's role is a proxy role, a check
 * passes only if both the proxy role and the original principal pass it. When authorization is
 * disabled every check passes.
 */
export interface AuthorizationService {
  readonly enabled: boolean;
  isSuperUser(principal: Principal): boolean;
  isProxyRole(role: string | undefined): boolean;
  /**
   * Checks the proxy rules for a connection: a proxy role must name an original principal, and only
   * a proxy role may name one different from itself (an original principal may not be a proxy
   * role). Returns the reason for refusal, or undefined when the combination is legal.
   */
  validateOriginalPrincipal(principal: Principal): string | undefined;
  /** Superuser, or listed in the tenant's adminRoles. */
  isTenantAdmin(tenant: string, principal: Principal): Promise<boolean>;
  /** Tenant admin, or "produce" granted on the topic or its namespace. */
  canProduce(topic: TopicName, principal: Principal): Promise<boolean>;
  /**
   * Tenant admin, or "consume" granted on the topic or its namespace and, when a subscription is
   * given, allowed by the namespace's subscription_auth_roles (and subscription_auth_mode Prefix).
   */
  canConsume(topic: TopicName, principal: Principal, subscription?: string): Promise<boolean>;
  /** canProduce or canConsume (lookups, partition metadata, schema reads, topic stats). */
  canLookup(topic: TopicName, principal: Principal): Promise<boolean>;
  /** Tenant admin, or any action granted on the namespace (listing its topics). */
  canUseNamespace(namespace: string, principal: Principal): Promise<boolean>;
}
