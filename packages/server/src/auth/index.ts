/**
 * Builds the authentication and authorization services from the broker configuration. Every
 * configuration problem (unknown provider, missing or unreadable key, malformed htpasswd line,
 * contradictory switches) is thrown here as an AuthConfigError, so the broker refuses to start
 * rather than refusing clients later.
 */
import type { Logger } from 'pino';
import type { BrokerConfig } from '../config/schema.js';
import type { AdminResources } from '../resources/admin-resources.js';
import type { Clock } from '../util/clock.js';
import { ProviderAuthenticationService } from './authentication-service.js';
import { PulsarAuthorizationService, parseRoleList } from './authorization-service.js';
import { BasicAuthenticationProvider } from './basic-provider.js';
import { parseHtpasswd } from './htpasswd.js';
import { AuthConfigError, readKeySource } from './key-source.js';
import { publicVerificationKey, secretVerificationKey, type VerificationKey } from './token-keys.js';
import { TokenAuthenticationProvider } from './token-provider.js';
import { TlsAuthenticationProvider } from './tls-provider.js';
import type { AuthenticationProvider, AuthenticationService, AuthorizationService } from './types.js';

export * from './types.js';
export { AuthConfigError } from './key-source.js';
export { parseRoleList } from './authorization-service.js';

export interface AuthServices {
  authentication: AuthenticationService;
  authorization: AuthorizationService;
}

export interface AuthDeps {
  resources: AdminResources;
  log: Logger;
  /** Token expiry and refresh are judged by this clock, so tests can drive time. */
  clock: Clock;
}

/** Services that accept everyone and allow everything: authentication and authorization off. */
export function disabledAuthServices(): AuthServices {
  return {
    authentication: {
      enabled: false,
      anonymousRole: undefined,
      methods: [],
      authenticate: () => Promise.resolve({ role: '', method: 'none' }),
      authenticateHttp: () => Promise.resolve({ role: '', method: 'none' }),
    },
    authorization: {
      enabled: false,
      isSuperUser: () => true,
      isProxyRole: () => false,
      validateOriginalPrincipal: () => undefined,
      isTenantAdmin: () => Promise.resolve(true),
      canProduce: () => Promise.resolve(true),
      canConsume: () => Promise.resolve(true),
      canLookup: () => Promise.resolve(true),
      canUseNamespace: () => Promise.resolve(true),
    },
  };
}

/** The provider kinds, and the Pulsar class names that mean them. */
type ProviderKind = 'token' | 'tls' | 'basic';
const PULSAR_PROVIDER_PREFIX = 'org.apache.pulsar.broker.authentication.AuthenticationProvider';

export async function createAuthServices(config: BrokerConfig, deps: AuthDeps): Promise<AuthServices> {
  if (config.authorizationEnabled && !config.authenticationEnabled) {
    throw new AuthConfigError(
      'authorizationEnabled=true needs authenticationEnabled=true: without authentication no client has a role to authorize',
    );
  }
  if (!config.authenticationEnabled) return disabledAuthServices();
  const kinds = parseProviderKinds(config.authenticationProviders);
  const anonymousRole = config.anonymousUserRole.trim() || undefined;
  if (kinds.length === 0 && anonymousRole === undefined) {
    throw new AuthConfigError(
      'authenticationEnabled=true needs authenticationProviders (token, tls, basic) or anonymousUserRole',
    );
  }
  const providers: AuthenticationProvider[] = [];
  for (const kind of kinds) providers.push(await createProvider(kind, config, deps));
  const authentication = new ProviderAuthenticationService({
    providers,
    anonymousRole,
    maxAuthDataSizeBytes: config.maxAuthDataSizeBytes,
  });
  const authorization = new PulsarAuthorizationService({
    enabled: config.authorizationEnabled,
    superUserRoles: parseRoleList(config.superUserRoles),
    proxyRoles: parseRoleList(config.proxyRoles),
    tenants: deps.resources.tenants,
    policies: deps.resources.policies,
  });
  deps.log.info(
    {
      providers: authentication.methods,
      anonymousRole,
      authorizationEnabled: authorization.enabled,
    },
    'authentication enabled',
  );
  return { authentication, authorization };
}

/** "token, org.apache.pulsar.broker.authentication.AuthenticationProviderTls" → ['token', 'tls']. */
export function parseProviderKinds(list: string): ProviderKind[] {
  const kinds: ProviderKind[] = [];
  for (const name of list
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '')) {
    const short = name.startsWith(PULSAR_PROVIDER_PREFIX) ? name.slice(PULSAR_PROVIDER_PREFIX.length) : name;
    const kind = short.toLowerCase();
    if (kind !== 'token' && kind !== 'tls' && kind !== 'basic') {
      throw new AuthConfigError(
        `authenticationProviders: unknown provider "${name}"; use token, tls or basic (or ${PULSAR_PROVIDER_PREFIX}Token, ...Tls, ...Basic)`,
      );
    }
    if (!kinds.includes(kind)) kinds.push(kind);
  }
  return kinds;
}

async function createProvider(
  kind: ProviderKind,
  config: BrokerConfig,
  deps: AuthDeps,
): Promise<AuthenticationProvider> {
  switch (kind) {
    case 'token':
      return new TokenAuthenticationProvider({
        key: await tokenKey(config, deps.log),
        authClaim: config.tokenAuthClaim.trim() || 'sub',
        audienceClaim: config.tokenAudienceClaim.trim() || 'aud',
        audience: config.tokenAudience.trim(),
        clock: deps.clock,
      });
    case 'basic': {
      if (config.basicAuthConf.trim() === '') {
        throw new AuthConfigError('basic authentication needs basicAuthConf (an htpasswd file)');
      }
      const source = await readKeySource('basicAuthConf', config.basicAuthConf);
      return new BasicAuthenticationProvider(parseHtpasswd(source.bytes.toString('utf8'), source.origin));
    }
    case 'tls':
      if (config.tlsTrustCertsFilePath.trim() === '') {
        deps.log.warn(
          'tls authentication is configured but tlsTrustCertsFilePath is empty: no client certificate can be verified, so none will authenticate',
        );
      }
      return new TlsAuthenticationProvider();
  }
}

/** tokenSecretKey wins over tokenPublicKey when both are set, as in Pulsar. */
async function tokenKey(config: BrokerConfig, log: Logger): Promise<VerificationKey> {
  const secret = config.tokenSecretKey.trim();
  const publicKey = config.tokenPublicKey.trim();
  if (secret !== '') {
    if (publicKey !== '')
      log.warn('tokenSecretKey and tokenPublicKey are both set; tokenPublicKey is ignored');
    return secretVerificationKey(await readKeySource('tokenSecretKey', secret));
  }
  if (publicKey !== '') {
    return publicVerificationKey(
      await readKeySource('tokenPublicKey', publicKey),
      config.tokenPublicAlg.trim(),
    );
  }
  throw new AuthConfigError(
    'token authentication needs tokenSecretKey (HS*) or tokenPublicKey (RS*, PS*, ES*)',
  );
}
