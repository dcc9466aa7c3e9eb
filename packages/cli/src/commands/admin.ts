/**
 * `magnetar admin ...`: pulsar-admin's verbs for clusters, tenants, namespaces and topics over the
 * admin REST API (--admin-url). People get lines and aligned tables; --json prints the broker's
 * JSON. An HTTP error prints the broker's reason and exits with status 1. Credentials and TLS
 * files are global options named as pulsar-admin names them (admin/auth.ts, admin/transport.ts).
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
    .option('--json', 'print JSON as the broker answered it')
    .addOption(
      new Option(
        '--auth-plugin <plugin>',
        'authentication plugin, as pulsar-admin: org.apache.pulsar.client.impl.auth.AuthenticationToken, ' +
          '...AuthenticationBasic or ...AuthenticationTls (or token, basic, tls)',
      ).env('MAGNETAR_ADMIN_AUTH_PLUGIN'),
    )
    .addOption(
      new Option(
        '--auth-params <params>',
        'parameters of --auth-plugin: "token:<jwt>" or "file:///path/token" for tokens, ' +
          '\'{"userId":"u","password":"p"}\' for basic, "tlsCertFile:<pem>,tlsKeyFile:<pem>" for tls',
      ).env('MAGNETAR_ADMIN_AUTH_PARAMS'),
    )
    .addOption(
      new Option('--token <token>', 'shorthand for the token plugin: the token, or file:///path/token').env(
        'MAGNETAR_ADMIN_TOKEN',
      ),
    )
    .option('--tls-trust-certs-file-path <file>', 'PEM CA certificates that verify an https broker')
    .option('--tls-allow-insecure', "accept any certificate from an https broker (don't, outside tests)")
    .option('--tls-cert-file <file>', 'client certificate (PEM) for brokers that require one')
    .option('--tls-key-file <file>', 'private key (PEM) of --tls-cert-file');
  registerClusterCommands(admin);
  registerTenantCommands(admin);
  registerNamespaceCommands(admin);
  registerTopicCommands(admin);
}
