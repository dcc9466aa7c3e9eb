/**
 * Security settings: TLS, advertised listeners, authentication, authorization and the limits that
 * protect a broker facing a network. Names follow Pulsar's broker.conf; Magnetar-only ones say so.
 * Spread into `configSchema` (schema.ts), so they load from file, environment and flags like any other.
 */
import { bool, int, str } from './fields.js';

export const securityConfigSchema = {
  // --- TLS and listeners -------------------------------------------------------------------------
  brokerServicePortTls: int(
    6651,
    -1,
    65535,
    'TLS binary protocol port (pulsar+ssl://), opened when tlsCertificateFilePath is set (0 picks a free one, -1 disables).',
  ),
  webServicePortTls: int(
    8443,
    -1,
    65535,
    'HTTPS port for admin REST API, lookup and /metrics, opened when tlsCertificateFilePath is set (0 picks a free one, -1 disables).',
  ),
  tlsCertificateFilePath: str('', 'PEM certificate (chain) the TLS listeners present; empty disables TLS.'),
  tlsKeyFilePath: str('', 'PEM private key of tlsCertificateFilePath.'),
  tlsTrustCertsFilePath: str(
    '',
    'PEM CA certificates that client certificates are verified against (needed for mTLS and the tls authentication provider).',
  ),
  tlsRequireTrustedClientCertOnConnect: bool(
    false,
    'Refuse TLS connections without a client certificate signed by tlsTrustCertsFilePath (mTLS).',
  ),
  tlsAllowInsecureConnection: bool(
    false,
    'Accept client certificates that do not verify against the trusted CA (they never authenticate a role).',
  ),
  tlsCertRefreshCheckDurationSec: int(
    300,
    0,
    86_400,
    'How often certificate, key and CA files are checked for changes and reloaded without a restart (0 = never).',
  ),
  advertisedListeners: str(
    '',
    'Named listeners, "name:pulsar://host:port,name:pulsar+ssl://host:port,..."; LOOKUP answers with the one the client names.',
  ),
  internalListenerName: str(
    '',
    'Listener used when a client names none; defaults to the first of advertisedListeners.',
  ),
  // --- Authentication ----------------------------------------------------------------------------
  authenticationEnabled: bool(false, 'Require clients to authenticate (binary protocol and HTTP).'),
  authenticationProviders: str(
    '',
    'Comma-separated providers: token, tls, basic (or Pulsar class names such as org.apache.pulsar.broker.authentication.AuthenticationProviderToken).',
  ),
  anonymousUserRole: str(
    '',
    'Role given to clients that present no credentials while authentication is enabled; empty refuses them.',
  ),
  authenticationRefreshCheckSeconds: int(
    60,
    1,
    86_400,
    'How often connections are checked for expired credentials; an expired one is challenged (AUTH_CHALLENGE) or closed.',
  ),
  tokenSecretKey: str(
    '',
    'HMAC secret for token authentication (HS256/384/512): "file:///path" or "data:;base64,...".',
  ),
  tokenPublicKey: str(
    '',
    'Public key for token authentication (RS*/PS*/ES*): "file:///path" or "data:;base64,..." (PEM or DER).',
  ),
  tokenPublicAlg: str('RS256', 'Signature algorithm of tokens verified with tokenPublicKey.'),
  tokenAuthClaim: str('sub', 'Token claim that holds the role.'),
  tokenAudienceClaim: str('aud', 'Token claim that holds the audience, checked when tokenAudience is set.'),
  tokenAudience: str('', 'Audience this broker accepts; empty skips the audience check.'),
  basicAuthConf: str(
    '',
    'htpasswd file for basic authentication (Apache MD5 "$apr1$" or bcrypt "$2y$" hashes): a path, "file:///path" or "data:;base64,...".',
  ),
  maxAuthDataSizeBytes: int(
    16 * 1024,
    256,
    1024 * 1024,
    'Magnetar: largest credential (CONNECT/AUTH_RESPONSE auth_data, Authorization header) looked at; larger ones are refused unparsed.',
  ),
  // --- Authorization -----------------------------------------------------------------------------
  authorizationEnabled: bool(
    false,
    'Check every operation against superuser, tenant admin and granted permissions.',
  ),
  superUserRoles: str('', 'Comma-separated roles allowed everything.'),
  proxyRoles: str(
    '',
    'Comma-separated roles of proxies; a proxy connects on behalf of original_principal and both must be authorized.',
  ),
  authenticateOriginalAuthData: bool(
    false,
    "Also authenticate the original_auth_data a proxy forwards, rather than trusting the proxy's original_principal.",
  ),
  authenticateMetricsEndpoint: bool(false, 'Require authentication for /metrics.'),
  // --- Limits -------------------------------------------------------------------------------------
  brokerMaxConnectionsPerIp: int(
    0,
    0,
    10_000_000,
    'Refuse connections from one IP address beyond this many (0 = no limit).',
  ),
  maxProducersPerConnection: int(
    10_000,
    0,
    10_000_000,
    'Magnetar: refuse a PRODUCER command on a connection that already has this many (0 = no limit).',
  ),
  maxConsumersPerConnection: int(
    10_000,
    0,
    10_000_000,
    'Magnetar: refuse a SUBSCRIBE command on a connection that already has this many (0 = no limit).',
  ),
  maxPendingRequestsPerConnection: int(
    1000,
    1,
    1_000_000,
    'Magnetar: requests (lookup, producer, subscribe, schema, ...) one connection may have unanswered; more get TooManyRequests.',
  ),
  maxConcurrentLookupRequest: int(
    50_000,
    1,
    10_000_000,
    'Lookups (LOOKUP, PARTITIONED_METADATA) the broker answers at once; more get TooManyRequests.',
  ),
  brokerPublisherThrottlingMaxMessageRate: int(
    0,
    0,
    1_000_000_000,
    'Messages per second the whole broker accepts from producers; beyond it producing connections are not read until the next second (0 = no limit).',
  ),
  brokerPublisherThrottlingMaxByteRate: int(
    0,
    0,
    Number.MAX_SAFE_INTEGER,
    'Bytes per second the whole broker accepts from producers; beyond it producing connections are not read until the next second (0 = no limit).',
  ),
  maxUnauthenticatedFrameSizeBytes: int(
    64 * 1024,
    1024,
    16 * 1024 * 1024,
    'Magnetar: largest frame accepted before CONNECT succeeds, so unauthenticated peers cannot make the broker buffer megabytes.',
  ),
};
