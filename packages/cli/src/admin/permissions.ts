/**
 * pulsar-admin's permission verbs:
 *
 *   namespaces permissions | grant-permission | revoke-permission
 *   namespaces grant-subscription-permission | revoke-subscription-permission
 *   namespaces subscription-permissions (Magnetar: reads what the two above write)
 *   namespaces get-subscription-auth-mode | set-subscription-auth-mode
 *   topics permissions | grant-permission | revoke-permission
 */
import { InvalidArgumentError, type Command } from 'commander';
import { adminAction, argParser, listArg, namespaceSegments } from './context.js';
import { adminPath } from './http.js';
import { table } from './output.js';
import { topicPath } from './topics-path.js';

/** As namespaces.ts's nsPath, which this module cannot import without a cycle. */
const nsPath = (ns: string, ...rest: string[]) => adminPath('namespaces', ...namespaceSegments(ns), ...rest);

/** Pulsar's AuthAction names. */
export const AUTH_ACTIONS = ['produce', 'consume', 'functions', 'sources', 'sinks', 'packages'] as const;

/** --actions produce,consume: known actions only, at least one, duplicates dropped. */
export const actionsArg = argParser((text) => {
  const actions = [...new Set(listArg(text))];
  if (actions.length === 0) throw new Error(`expected a comma-separated list of ${AUTH_ACTIONS.join(', ')}`);
  for (const a of actions) {
    if (!(AUTH_ACTIONS as readonly string[]).includes(a)) {
      throw new Error(`unknown action '${a}': expected ${AUTH_ACTIONS.join(', ')}`);
    }
  }
  return actions;
});

const rolesArg = argParser((text) => {
  const roles = [...new Set(listArg(text))];
  if (roles.length === 0) throw new Error('expected a comma-separated list of roles');
  return roles;
});

/** {"role": ["produce", "consume"]} (or {"sub": ["role"]}) as aligned rows; "(none)" when empty. */
export function showGrants(v: unknown): string {
  const entries = Object.entries((v ?? {}) as Record<string, string[]>);
  if (entries.length === 0) return '(none)';
  return table(
    entries.sort(([a], [b]) => a.localeCompare(b)).map(([k, list]) => [k, list.join(', ') || '-']),
  );
}

export function registerNamespacePermissionCommands(namespaces: Command): void {
  namespaces
    .command('permissions')
    .description('show the permissions granted on a namespace (role: actions)')
    .argument('<namespace>', 'tenant/namespace')
    .action(
      adminAction(async ({ client, print }, ns: string) =>
        print.value(await client.get(nsPath(ns, 'permissions')), showGrants),
      ),
    );

  namespaces
    .command('grant-permission')
    .description('grant a role actions on every topic of a namespace (replaces what it had)')
    .argument('<namespace>', 'tenant/namespace')
    .requiredOption('--role <role>', 'the client role')
    .requiredOption('--actions <actions>', `comma-separated: ${AUTH_ACTIONS.join(', ')}`, actionsArg)
    .action(
      adminAction(async ({ client }, ns: string, flags: { role: string; actions: string[] }) => {
        await client.post(nsPath(ns, 'permissions', nonEmpty(flags.role)), flags.actions);
      }),
    );

  namespaces
    .command('revoke-permission')
    .description("revoke all of a role's permissions on a namespace")
    .argument('<namespace>', 'tenant/namespace')
    .requiredOption('--role <role>', 'the client role')
    .action(
      adminAction(async ({ client }, ns: string, flags: { role: string }) => {
        await client.delete(nsPath(ns, 'permissions', nonEmpty(flags.role)));
      }),
    );

  namespaces
    .command('subscription-permissions')
    .description('show which roles may use which subscriptions of a namespace')
    .argument('<namespace>', 'tenant/namespace')
    .action(
      adminAction(async ({ client, print }, ns: string) =>
        print.value(await client.get(nsPath(ns, 'permissions', 'subscription')), showGrants),
      ),
    );

  namespaces
    .command('grant-subscription-permission')
    .description('let only these roles use a subscription in the namespace (replaces the old list)')
    .argument('<namespace>', 'tenant/namespace')
    .requiredOption('--subscription <subscription>', 'the subscription name')
    .requiredOption('--roles <roles>', 'comma-separated client roles', rolesArg)
    .action(
      adminAction(async ({ client }, ns: string, flags: { subscription: string; roles: string[] }) => {
        await client.post(
          nsPath(ns, 'permissions', 'subscription', nonEmpty(flags.subscription)),
          flags.roles,
        );
      }),
    );

  namespaces
    .command('revoke-subscription-permission')
    .description("remove a role from a subscription's allowed roles")
    .argument('<namespace>', 'tenant/namespace')
    .requiredOption('--subscription <subscription>', 'the subscription name')
    .requiredOption('--role <role>', 'the client role')
    .action(
      adminAction(async ({ client }, ns: string, flags: { subscription: string; role: string }) => {
        await client.delete(nsPath(ns, 'permissions', nonEmpty(flags.subscription), nonEmpty(flags.role)));
      }),
    );

  namespaces
    .command('get-subscription-auth-mode')
    .description('show the subscription auth mode (None, or Prefix: subscriptions must start with the role)')
    .argument('<namespace>', 'tenant/namespace')
    .action(
      adminAction(async ({ client, print }, ns: string) =>
        print.value(await client.get(nsPath(ns, 'subscriptionAuthMode')), String),
      ),
    );

  namespaces
    .command('set-subscription-auth-mode')
    .description('set the subscription auth mode')
    .argument('<namespace>', 'tenant/namespace')
    .requiredOption('-m, --subscription-auth-mode <mode>', 'None or Prefix', modeArg)
    .action(
      adminAction(async ({ client }, ns: string, flags: { subscriptionAuthMode: string }) => {
        await client.post(nsPath(ns, 'subscriptionAuthMode'), flags.subscriptionAuthMode);
      }),
    );
}

export function registerTopicPermissionCommands(topics: Command): void {
  topics
    .command('permissions')
    .description("show the permissions on a topic: its own grants and its namespace's")
    .argument('<topic>')
    .action(
      adminAction(async ({ client, print }, t: string) =>
        print.value(await client.get(topicPath(t, 'permissions')), showGrants),
      ),
    );

  topics
    .command('grant-permission')
    .description('grant a role actions on a topic (replaces what it had on the topic)')
    .argument('<topic>')
    .requiredOption('--role <role>', 'the client role')
    .requiredOption('--actions <actions>', `comma-separated: ${AUTH_ACTIONS.join(', ')}`, actionsArg)
    .action(
      adminAction(async ({ client }, t: string, flags: { role: string; actions: string[] }) => {
        await client.post(topicPath(t, 'permissions', nonEmpty(flags.role)), flags.actions);
      }),
    );

  topics
    .command('revoke-permission')
    .description("revoke a role's permissions granted on the topic itself")
    .argument('<topic>')
    .requiredOption('--role <role>', 'the client role')
    .action(
      adminAction(async ({ client }, t: string, flags: { role: string }) => {
        await client.delete(topicPath(t, 'permissions', nonEmpty(flags.role)));
      }),
    );
}

const modeArg = (text: string) => {
  const mode = ['None', 'Prefix'].find((m) => m.toLowerCase() === text.trim().toLowerCase());
  if (mode === undefined) throw new InvalidArgumentError('expected None or Prefix');
  return mode;
};

function nonEmpty(value: string): string {
  if (value.trim() === '') throw new Error('a role or subscription name cannot be empty');
  return value;
}
