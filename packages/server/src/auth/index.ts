/**
 * Builds the authentication and authorization services from the broker configuration.
 * (Placeholder wiring: only the disabled services exist yet; providers come next.)
 */
import type { Logger } from 'pino';
import type { BrokerConfig } from '../config/schema.js';
import type { AdminResources } from '../resources/admin-resources.js';
import type { Clock } from '../util/clock.js';
import type { AuthenticationService, AuthorizationService } from './types.js';

export * from './types.js';

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

export function createAuthServices(config: BrokerConfig, _deps: AuthDeps): Promise<AuthServices> {
  if (config.authenticationEnabled || config.authorizationEnabled) {
    return Promise.reject(new Error('authentication and authorization are not built yet'));
  }
  return Promise.resolve(disabledAuthServices());
}
