/**
 * `magnetar admin namespaces ...`: list, create, delete, policies, topics here; the per-policy
 * verbs (set-retention, get-message-ttl, ...) in namespace-policies.ts and namespace-limits.ts.
 */
import type { Command } from 'commander';
import { adminAction, listArg, namespaceSegments } from './context.js';
import { adminPath } from './http.js';
import { keyValues, lines } from './output.js';
import { registerNamespaceLimitCommands } from './namespace-limits.js';
import { registerNamespacePolicyCommands } from './namespace-policies.js';
import { registerNamespacePermissionCommands } from './permissions.js';

/** /admin/v2/namespaces/{tenant}/{ns}[/...rest] for a "tenant/ns" argument. */
export function nsPath(ns: string, ...rest: string[]): string {
  return adminPath('namespaces', ...namespaceSegments(ns), ...rest);
}

interface CreateFlags {
  clusters?: string[];
}

export function registerNamespaceCommands(admin: Command): void {
  const namespaces = admin.command('namespaces').description('manage namespaces and their policies');

  namespaces
    .command('list')
    .description('list the namespaces of a tenant')
    .argument('<tenant>')
    .action(
      adminAction(async ({ client, print }, tenant: string) =>
        print.value(await client.get(adminPath('namespaces', tenant)), lines),
      ),
    );

  namespaces
    .command('create')
    .description('create a namespace')
    .argument('<namespace>', 'tenant/namespace')
    .option(
      '-c, --clusters <clusters>',
      'comma-separated replication clusters (default: this cluster)',
      listArg,
    )
    .action(
      adminAction(async ({ client }, ns: string, flags: CreateFlags) => {
        const body = flags.clusters ? { replication_clusters: flags.clusters } : undefined;
        await client.put(nsPath(ns), body);
      }),
    );

  namespaces
    .command('delete')
    .description('delete a namespace (it must have no topics, unless --force)')
    .argument('<namespace>', 'tenant/namespace')
    .option('-f, --force', 'delete its topics too')
    .action(
      adminAction(async ({ client }, ns: string, flags: { force?: boolean }) => {
        await client.delete(`${nsPath(ns)}${flags.force ? '?force=true' : ''}`);
      }),
    );

  namespaces
    .command('policies')
    .description('show every policy of a namespace')
    .argument('<namespace>', 'tenant/namespace')
    .action(
      adminAction(async ({ client, print }, ns: string) =>
        print.value(await client.get(nsPath(ns)), keyValues),
      ),
    );

  namespaces
    .command('topics')
    .description('list the topics of a namespace')
    .argument('<namespace>', 'tenant/namespace')
    .action(
      adminAction(async ({ client, print }, ns: string) =>
        print.value(await client.get(nsPath(ns, 'topics')), lines),
      ),
    );

  registerNamespacePolicyCommands(namespaces);
  registerNamespaceLimitCommands(namespaces);
  registerNamespacePermissionCommands(namespaces);
}
