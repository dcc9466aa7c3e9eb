/** `magnetar admin clusters list|get`. */
import type { Command } from 'commander';
import { adminAction } from './context.js';
import { adminPath } from './http.js';
import { keyValues, lines } from './output.js';

export function registerClusterCommands(admin: Command): void {
  const clusters = admin.command('clusters').description('inspect clusters');

  clusters
    .command('list')
    .description('list the names of all clusters')
    .action(
      adminAction(async ({ client, print }) => print.value(await client.get(adminPath('clusters')), lines)),
    );

  clusters
    .command('get')
    .description("show a cluster's service URLs")
    .argument('<cluster>', 'cluster name')
    .action(
      adminAction(async ({ client, print }, cluster: string) =>
        print.value(await client.get(adminPath('clusters', cluster)), keyValues),
      ),
    );
}
