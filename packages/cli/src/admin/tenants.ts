/** `magnetar admin tenants list|get|create|update|delete`, with pulsar-admin's flags. */
import type { Command } from 'commander';
import { adminAction, listArg } from './context.js';
import { adminPath } from './http.js';
import { lines, table } from './output.js';

interface TenantInfo {
  adminRoles?: string[];
  allowedClusters?: string[];
}

interface TenantFlags {
  adminRoles?: string[];
  allowedClusters?: string[];
}

interface DeleteFlags {
  force?: boolean;
}

function showTenant(v: unknown): string {
  const t = v as TenantInfo;
  return table([
    ['adminRoles', (t.adminRoles ?? []).join(', ') || '-'],
    ['allowedClusters', (t.allowedClusters ?? []).join(', ') || '-'],
  ]);
}

export function registerTenantCommands(admin: Command): void {
  const tenants = admin.command('tenants').description('manage tenants');
  const path = (t?: string) => (t === undefined ? adminPath('tenants') : adminPath('tenants', t));

  tenants
    .command('list')
    .description('list tenants')
    .action(adminAction(async ({ client, print }) => print.value(await client.get(path()), lines)));

  tenants
    .command('get')
    .description("show a tenant's admin roles and allowed clusters")
    .argument('<tenant>')
    .action(
      adminAction(async ({ client, print }, t: string) => print.value(await client.get(path(t)), showTenant)),
    );

  tenants
    .command('create')
    .description('create a tenant')
    .argument('<tenant>')
    .option('-r, --admin-roles <roles>', 'comma-separated admin roles', listArg)
    .option(
      '-c, --allowed-clusters <clusters>',
      'comma-separated clusters the tenant may use (default: all)',
      listArg,
    )
    .action(
      adminAction(async ({ client }, t: string, flags: TenantFlags) => {
        // As pulsar-admin: without --allowed-clusters the tenant may use every cluster there is.
        const allowedClusters =
          flags.allowedClusters ?? ((await client.get(adminPath('clusters'))) as string[]);
        await client.put(path(t), { adminRoles: flags.adminRoles ?? [], allowedClusters });
      }),
    );

  tenants
    .command('update')
    .description("change a tenant's admin roles or allowed clusters (the flags given replace the old values)")
    .argument('<tenant>')
    .option('-r, --admin-roles <roles>', 'comma-separated admin roles', listArg)
    .option('-c, --allowed-clusters <clusters>', 'comma-separated allowed clusters', listArg)
    .action(
      adminAction(async ({ client }, t: string, flags: TenantFlags) => {
        const old = (await client.get(path(t))) as TenantInfo;
        await client.post(path(t), {
          adminRoles: flags.adminRoles ?? old.adminRoles ?? [],
          allowedClusters: flags.allowedClusters ?? old.allowedClusters ?? [],
        });
      }),
    );

  tenants
    .command('delete')
    .description('delete a tenant (it must have no namespaces, unless --force)')
    .argument('<tenant>')
    .option('-f, --force', 'delete its namespaces too')
    .action(
      adminAction(async ({ client }, t: string, flags: DeleteFlags) => {
        await client.delete(`${path(t)}${flags.force ? '?force=true' : ''}`);
      }),
    );
}
