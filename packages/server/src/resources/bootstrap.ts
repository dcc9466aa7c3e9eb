/**
 * First start of a standalone: the local cluster, tenant `public` allowed on it, and namespace
 * `public/default`, as Pulsar's standalone creates them. Each is created only if missing, so a
 * restart keeps every edited policy; the cluster's URLs are refreshed because ports may change,
 * and its TLS URLs (Pulsar's ClusterData serviceUrlTls, brokerServiceUrlTls) follow whether the
 * TLS listeners are open.
 */
import type { AdminResources } from './admin-resources.js';
import { AdminError } from './errors.js';
import type { NamespaceTopics } from './namespace-resources.js';

export interface StandaloneBootstrap {
  clusterName: string;
  /** http://host:port of the admin REST API. */
  serviceUrl: string;
  /** pulsar://host:port of the binary protocol. */
  brokerServiceUrl: string;
  /** https://host:port of the admin REST API; absent while that TLS listener is closed. */
  serviceUrlTls?: string;
  /** pulsar+ssl://host:port of the binary protocol; absent while that TLS listener is closed. */
  brokerServiceUrlTls?: string;
}

export const DEFAULT_TENANT = 'public';
export const DEFAULT_NAMESPACE = 'public/default';

/** Returns what was created, and problems that kept a default from being created (logged by the caller). */
export async function bootstrapStandalone(
  resources: AdminResources,
  b: StandaloneBootstrap,
): Promise<{ created: string[]; problems: string[] }> {
  const created: string[] = [];
  const problems: string[] = [];
  const { serviceUrl, brokerServiceUrl, serviceUrlTls, brokerServiceUrlTls } = b;
  const urls = { serviceUrl, brokerServiceUrl, serviceUrlTls, brokerServiceUrlTls };
  if (await resources.clusters.ensure(b.clusterName, urls)) {
    created.push(`cluster ${b.clusterName}`);
  }
  // An operator may have deleted or changed these; recreate what is missing, report what cannot be.
  const steps: [string, () => Promise<unknown>][] = [
    [
      `tenant ${DEFAULT_TENANT}`,
      () => resources.tenants.create(DEFAULT_TENANT, { adminRoles: [], allowedClusters: [b.clusterName] }),
    ],
    [`namespace ${DEFAULT_NAMESPACE}`, () => resources.namespaces.create(DEFAULT_NAMESPACE, undefined)],
  ];
  for (const [what, create] of steps) {
    try {
      await create();
      created.push(what);
    } catch (err) {
      if (!(err instanceof AdminError)) throw err;
      if (err.code !== 'CONFLICT') problems.push(`${what} not created: ${err.message}`);
    }
  }
  return { created, problems };
}

/** A topic directory for resources used without a broker (tests, tools): no topics anywhere. */
export const NO_TOPICS: NamespaceTopics = { list: () => Promise.resolve([]) };
