/**
 * Pulsar's PulsarAuthorizationProvider and the proxy rules of its AuthorizationService: superusers
 * may do everything, a tenant's admin roles everything inside the tenant, and other roles what a
 * namespace's auth_policies grant them (namespace_auth, destination_auth, subscription_auth_roles,
 * subscription_auth_mode).
 *
 * Grants are read through PolicyService (cached, dropped by the metadata watch) and tenants straight
 * from the metadata store, so a grant or revoke counts for the very next check.
 */
import type { TopicName } from '@magnetar/protocol';
import type { PolicyService } from '../resources/policy-service.js';
import type { Policies } from '../resources/policies/types.js';
import type { TenantResources } from '../resources/tenant-resources.js';
import type { AuthAction, AuthorizationService, Principal } from './types.js';

export interface AuthorizationOptions {
  /** authorizationEnabled: when false every check passes. */
  enabled: boolean;
  superUserRoles: readonly string[];
  proxyRoles: readonly string[];
  tenants: Pick<TenantResources, 'get'>;
  policies: Pick<PolicyService, 'getPolicies'>;
}

/** Splits a comma-separated role list ("a, b,,c") into trimmed, non-empty roles. */
export function parseRoleList(text: string): string[] {
  return text
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
}

export class PulsarAuthorizationService implements AuthorizationService {
  readonly enabled: boolean;
  private readonly superUsers: ReadonlySet<string>;
  private readonly proxies: ReadonlySet<string>;

  constructor(private readonly options: AuthorizationOptions) {
    this.enabled = options.enabled;
    this.superUsers = new Set(options.superUserRoles);
    this.proxies = new Set(options.proxyRoles);
  }

  isSuperUser(principal: Principal): boolean {
    if (!this.enabled) return true;
    const roles = this.rolesToCheck(principal);
    return roles !== null && roles.every((r) => this.superUsers.has(r));
  }

  isProxyRole(role: string | undefined): boolean {
    return role !== undefined && this.proxies.has(role);
  }

  /** AuthorizationService.isValidOriginalPrincipal, with Pulsar's announced stricter rule for non-proxies. */
  validateOriginalPrincipal(principal: Principal): string | undefined {
    const original = principal.originalPrincipal?.trim() ? principal.originalPrincipal : undefined;
    if (this.isProxyRole(principal.role)) {
      if (original === undefined)
        return 'originalPrincipal must be provided when connecting with a proxy role';
      if (this.proxies.has(original)) return 'originalPrincipal cannot be a proxy role';
      return undefined;
    }
    // Pulsar only logs this today and says a future release will refuse it; Magnetar refuses it now,
    // so a client cannot borrow another role's grants by naming it.
    if (original !== undefined && original !== principal.role) {
      return 'only a proxy role may connect on behalf of another principal';
    }
    return undefined;
  }

  isTenantAdmin(tenant: string, principal: Principal): Promise<boolean> {
    return this.check(principal, (role) => this.roleIsTenantAdmin(tenant, role));
  }

  canProduce(topic: TopicName, principal: Principal): Promise<boolean> {
    return this.check(principal, (role) =>
      this.orTenantAdmin(topic.tenant, role, () => this.grants(topic, role, 'produce')),
    );
  }

  canConsume(topic: TopicName, principal: Principal, subscription?: string): Promise<boolean> {
    return this.check(principal, (role) =>
      this.orTenantAdmin(topic.tenant, role, () => this.consumeGranted(topic, role, subscription)),
    );
  }

  canLookup(topic: TopicName, principal: Principal): Promise<boolean> {
    return this.check(principal, (role) =>
      this.orTenantAdmin(
        topic.tenant,
        role,
        async () => (await this.grants(topic, role, 'produce')) || (await this.consumeGranted(topic, role)),
      ),
    );
  }

  canUseNamespace(namespace: string, principal: Principal): Promise<boolean> {
    const tenant = namespace.split('/')[0];
    return this.check(principal, (role) =>
      this.orTenantAdmin(tenant, role, async () => {
        const policies = await this.options.policies.getPolicies(namespace);
        return policies !== null && (own(policies.auth_policies.namespace_auth, role)?.length ?? 0) > 0;
      }),
    );
  }

  /**
   * Runs `test` for the role and, when a proxy (or a client naming itself) passes an original
   * principal, for that principal too: both must pass. Superusers pass every test.
   */
  private async check(principal: Principal, test: (role: string) => Promise<boolean>): Promise<boolean> {
    if (!this.enabled) return true;
    const roles = this.rolesToCheck(principal);
    if (roles === null) return false;
    for (const role of roles) {
      if (this.superUsers.has(role)) continue;
      if (!(await test(role))) return false;
    }
    return true;
  }

  /** The distinct roles a check must pass, or null when the combination is refused outright. */
  private rolesToCheck(principal: Principal): string[] | null {
    if (principal.role === undefined || principal.role === '') return null;
    if (this.validateOriginalPrincipal(principal) !== undefined) return null;
    const original = principal.originalPrincipal?.trim() ? principal.originalPrincipal : undefined;
    return original === undefined || original === principal.role
      ? [principal.role]
      : [principal.role, original];
  }

  private async roleIsTenantAdmin(tenant: string, role: string): Promise<boolean> {
    if (this.superUsers.has(role)) return true;
    const info = await this.options.tenants.get(tenant);
    return info?.adminRoles.includes(role) ?? false;
  }

  /** Grants first (cached), the tenant read only when they do not suffice; the answer is the same. */
  private async orTenantAdmin(
    tenant: string,
    role: string,
    granted: () => Promise<boolean>,
  ): Promise<boolean> {
    return (await granted()) || this.roleIsTenantAdmin(tenant, role);
  }

  /** PulsarAuthorizationProvider.canConsumeAsync without the superuser and tenant-admin shortcuts. */
  private async consumeGranted(topic: TopicName, role: string, subscription?: string): Promise<boolean> {
    const policies = await this.options.policies.getPolicies(topic.namespace);
    if (!policies) return false;
    if (subscription !== undefined && subscription.trim() !== '') {
      // An empty or absent role list leaves the subscription open to every role with consume.
      const allowed = own(policies.auth_policies.subscription_auth_roles, subscription);
      if (allowed && allowed.length > 0 && !allowed.includes(role)) return false;
      // subscription_auth_mode Prefix: Pulsar's test is a plain startsWith on the role.
      if (policies.subscription_auth_mode === 'Prefix' && !subscription.startsWith(role)) return false;
    }
    return grantedIn(policies, topic, role, 'consume');
  }

  private async grants(topic: TopicName, role: string, action: AuthAction): Promise<boolean> {
    const policies = await this.options.policies.getPolicies(topic.namespace);
    return policies !== null && grantedIn(policies, topic, role, action);
  }
}

/**
 * PulsarAuthorizationProvider.checkPermission: the action granted to the role on the namespace, on
 * the topic, or (for a partition) on its partitioned topic.
 */
function grantedIn(policies: Policies, topic: TopicName, role: string, action: AuthAction): boolean {
  const auth = policies.auth_policies;
  if (own(auth.namespace_auth, role)?.includes(action)) return true;
  const onTopic = (name: string) => own(own(auth.destination_auth, name) ?? {}, role)?.includes(action);
  if (onTopic(topic.toString())) return true;
  return topic.isPartition && onTopic(topic.partitionedTopicName) === true;
}

/** Own entries only: a role or subscription named "constructor" must not find Object.prototype's. */
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
