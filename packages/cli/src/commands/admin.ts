/**
 * `magnetar admin ...`: pulsar-admin's verbs for clusters, tenants, namespaces and topics over the
 * admin REST API (--admin-url). People get lines and aligned tables; --json prints the broker's
 * JSON. An HTTP error prints the broker's reason and exits with status 1.
 */
import { Option, type Command } from 'commander';
import { registerClusterCommands } from '../admin/clusters.js';
import { DEFAULT_ADMIN_URL } from '../admin/context.js';
import { registerNamespaceCommands } from '../admin/namespaces.js';
import { registerTenantCommands } from '../admin/tenants.js';
import { registerTopicCommands } from '../admin/topics.js';

export function registerAdmin(program: Command): void {
  const admin = program
    .command('admin')
    .description('administer clusters, tenants, namespaces and topics (pulsar-admin verbs)')
    .addOption(
      new Option('--admin-url <url>', 'admin REST API of the broker')
        .default(DEFAULT_ADMIN_URL)
        .env('MAGNETAR_ADMIN_URL'),
    )
    .option('--json', 'print JSON as the broker answered it');
  registerClusterCommands(admin);
  registerTenantCommands(admin);
  registerNamespaceCommands(admin);
  registerTopicCommands(admin);
}
