/**
 * Credentials and TLS settings of the CLI, written as Pulsar's tools take them, in one place for
 * `magnetar admin` (admin/auth.ts, admin/context.ts) and for the commands that open a client
 * (`produce`, `consume`, `perf`).
 *
 * --auth-plugin names the Java client's class (or a short name) and --auth-params is in that
 * plugin's own format; --token is a shorthand for the token plugin:
 *
 *   org.apache.pulsar.client.impl.auth.AuthenticationToken   "token:<jwt>", "file:///path", {"token":"<jwt>"}, or the bare token
 *   org.apache.pulsar.client.impl.auth.AuthenticationBasic   {"userId":"u","password":"p"} or "userId:u,password:p"
 *   org.apache.pulsar.client.impl.auth.AuthenticationTls     {"tlsCertFile":"...","tlsKeyFile":"..."} or "tlsCertFile:...,tlsKeyFile:..."
 *
 * Parsing checks the text only and opens no file; a token file is read when it is needed (and
 * again whenever a client is asked for a fresh token), so a rotated file is picked up.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import type { ClientConfig } from '@magnetar/client';

/** Credentials, whichever way they were given. */
export type Credentials =
  | { kind: 'none' }
  | { kind: 'token'; token: TokenSource }
  | { kind: 'basic'; userId: string; password: string }
  | { kind: 'tls'; certFile: string; keyFile: string };

/** A token given inline, or the path of a file holding it. */
export type TokenSource = { value: string } | { file: string };

/** --auth-plugin, --auth-params and --token, as commander hands them over. */
export interface AuthFlags {
  authPlugin?: string;
  authParams?: string;
  token?: string;
}

export const PLUGIN_PREFIX = 'org.apache.pulsar.client.impl.auth.';
const PLUGINS: Record<string, 'token' | 'basic' | 'tls'> = {
  token: 'token',
  authenticationtoken: 'token',
  basic: 'basic',
  authenticationbasic: 'basic',
  tls: 'tls',
  authenticationtls: 'tls',
};

export function parseAuthFlags(flags: AuthFlags): Credentials {
  const token = blankToUndefined(flags.token);
  const plugin = blankToUndefined(flags.authPlugin);
  const params = flags.authParams ?? '';
  if (token !== undefined) {
    if (plugin !== undefined) throw new Error('give either --token or --auth-plugin, not both');
    return { kind: 'token', token: parseTokenParams(token) };
  }
  if (plugin === undefined) {
    if (params.trim() !== '') throw new Error('--auth-params needs --auth-plugin');
    return { kind: 'none' };
  }
  const short = plugin.startsWith(PLUGIN_PREFIX) ? plugin.slice(PLUGIN_PREFIX.length) : plugin;
  switch (PLUGINS[short.toLowerCase()]) {
    case 'token':
      return { kind: 'token', token: parseTokenParams(params) };
    case 'basic':
      return parseBasicParams(params);
    case 'tls':
      return parseTlsParams(params);
    default:
      throw new Error(
        `unsupported --auth-plugin '${plugin}': use ${PLUGIN_PREFIX}AuthenticationToken, ` +
          `${PLUGIN_PREFIX}AuthenticationBasic or ${PLUGIN_PREFIX}AuthenticationTls (or token, basic, tls)`,
      );
  }
}

/** AuthenticationToken.configure: "token:...", "file:...", {"token": ...} / {"file": ...}, else the token itself. */
export function parseTokenParams(params: string): TokenSource {
  const text = params.trim();
  if (text === '') throw new Error('the token plugin needs --auth-params "token:<jwt>" or "file:///path"');
  if (text.startsWith('token:')) return nonEmptyToken(text.slice('token:'.length));
  if (text.startsWith('file:')) return { file: filePath(text) };
  const json = parseJsonObject(text);
  if (json !== undefined) {
    if (typeof json.token === 'string') return nonEmptyToken(json.token);
    if (typeof json.file === 'string') return { file: filePath(json.file) };
    throw new Error('token --auth-params JSON needs a "token" or "file" field');
  }
  return nonEmptyToken(text);
}

function parseBasicParams(params: string): Credentials {
  const map = paramMap(params);
  const userId = map.userId;
  const password = map.password;
  if (!userId || password === undefined) {
    throw new Error('the basic plugin needs --auth-params \'{"userId":"<user>","password":"<password>"}\'');
  }
  // RFC 7617: the user id of a Basic credential cannot contain a colon (nor can Pulsar's).
  if (userId.includes(':')) throw new Error('a basic userId cannot contain ":"');
  return { kind: 'basic', userId, password };
}

function parseTlsParams(params: string): Credentials {
  const map = paramMap(params);
  if (!map.tlsCertFile || !map.tlsKeyFile) {
    throw new Error(
      'the tls plugin needs --auth-params "tlsCertFile:/path/cert.pem,tlsKeyFile:/path/key.pem"',
    );
  }
  return { kind: 'tls', certFile: filePath(map.tlsCertFile), keyFile: filePath(map.tlsKeyFile) };
}

/** The token itself: the inline value, or the trimmed contents of its file. */
export async function resolveToken(token: TokenSource): Promise<string> {
  if ('value' in token) return token.value;
  let text: string;
  try {
    text = await readFile(token.file, 'utf8');
  } catch (err) {
    throw new Error(
      `cannot read the token file ${token.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  const value = text.trim();
  if (value === '') throw new Error(`the token file ${token.file} is empty`);
  return value;
}

/** JSON object params, else Pulsar's older "key1:value1,key2:value2" form. */
function paramMap(params: string): Record<string, string | undefined> {
  const json = parseJsonObject(params.trim());
  if (json !== undefined) {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(json)) if (typeof v === 'string') out[k] = v;
    return out;
  }
  const out: Record<string, string> = {};
  for (const pair of params.split(',')) {
    const colon = pair.indexOf(':');
    if (colon > 0) out[pair.slice(0, colon).trim()] = pair.slice(colon + 1).trim();
  }
  return out;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    throw new Error('--auth-params looks like JSON but does not parse');
  }
}

/** "file:///abs/path" (a URL), "file:/abs/path" or a plain path. */
function filePath(text: string): string {
  if (text.startsWith('file://')) return fileURLToPath(text);
  return text.startsWith('file:') ? text.slice('file:'.length) : text;
}

function nonEmptyToken(token: string): TokenSource {
  const t = token.trim();
  if (t === '') throw new Error('the token is empty');
  return { value: t };
}

function blankToUndefined(s: string | undefined): string | undefined {
  return s === undefined || s.trim() === '' ? undefined : s.trim();
}

// ---------------------------------------------------------------------------------------------
// The client commands: produce, consume, perf.

/**
 * The security options of the client commands, as commander hands them over. The names are
 * pulsar-client's and pulsar-perf's where those tools have the option; `tlsAllowInsecure` and
 * `trustCertFile` are pulsar-perf's spellings, accepted but not shown in --help.
 */
export interface ClientSecurityFlags extends AuthFlags {
  tlsTrustCertsFilePath?: string;
  trustCertFile?: string;
  tlsAllowInsecureConnection?: boolean;
  tlsAllowInsecure?: boolean;
  tlsEnableHostnameVerification?: boolean;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  listenerName?: string;
}

/** The checked settings; nothing here has been read from disk yet. */
export interface ClientSecurity {
  credentials: Credentials;
  /** PEM CAs that verify the broker, instead of Node's bundled ones. */
  trustCertsFile?: string;
  allowInsecureConnection: boolean;
  validateHostname: boolean;
  /** A client certificate for brokers that ask for one (the tls plugin's files take precedence). */
  certFile?: string;
  keyFile?: string;
  /** The advertised listener whose URLs lookups answer with. */
  listenerName?: string;
}

export const NO_CLIENT_SECURITY: ClientSecurity = {
  credentials: { kind: 'none' },
  allowInsecureConnection: false,
  validateHostname: false,
};

/** Checks the flags; throws an Error whose message names the option at fault. */
export function parseClientSecurity(flags: ClientSecurityFlags): ClientSecurity {
  const credentials = parseAuthFlags(flags);
  const trustCertsFile = blankToUndefined(flags.tlsTrustCertsFilePath);
  const perfTrustCertFile = blankToUndefined(flags.trustCertFile);
  if (
    trustCertsFile !== undefined &&
    perfTrustCertFile !== undefined &&
    trustCertsFile !== perfTrustCertFile
  ) {
    throw new Error('give either --tls-trust-certs-file-path or --trust-cert-file, not both');
  }
  const certFile = blankToUndefined(flags.tlsCertFile);
  const keyFile = blankToUndefined(flags.tlsKeyFile);
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new Error('--tls-cert-file and --tls-key-file go together');
  }
  let listenerName: string | undefined;
  if (flags.listenerName !== undefined) {
    listenerName = flags.listenerName.trim();
    if (listenerName === '') throw new Error('--listener-name must not be empty');
  }
  return {
    credentials,
    ...((trustCertsFile ?? perfTrustCertFile) !== undefined
      ? { trustCertsFile: trustCertsFile ?? perfTrustCertFile }
      : {}),
    allowInsecureConnection: flags.tlsAllowInsecureConnection === true || flags.tlsAllowInsecure === true,
    validateHostname: flags.tlsEnableHostnameVerification === true,
    ...(certFile !== undefined ? { certFile, keyFile } : {}),
    ...(listenerName !== undefined ? { listenerName } : {}),
  };
}

/**
 * Problems the client would report later, or never: the tls plugin over a plain pulsar:// URL
 * (the client refuses it), and TLS files given for a URL that does not use TLS (ignored).
 */
export function checkServiceUrl(security: ClientSecurity, serviceUrl: string): { warnings: string[] } {
  const tls = serviceUrl.trim().toLowerCase().startsWith('pulsar+ssl://');
  if (tls) return { warnings: [] };
  if (security.credentials.kind === 'tls') {
    throw new Error('the tls authentication plugin needs a pulsar+ssl:// --service-url');
  }
  const given = [
    security.trustCertsFile !== undefined && '--tls-trust-certs-file-path',
    security.certFile !== undefined && '--tls-cert-file',
    security.allowInsecureConnection && '--tls-allow-insecure-connection',
    security.validateHostname && '--tls-enable-hostname-verification',
  ].filter((x): x is string => typeof x === 'string');
  return {
    warnings:
      given.length === 0
        ? []
        : [`${given.join(', ')} ignored: ${serviceUrl} does not use TLS (pulsar+ssl://)`],
  };
}

/**
 * The options of ClientConfig for `security`: the authentication object, the TLS files and the
 * listener name. A token file is read once here, so that a missing or empty file fails at once
 * instead of every reconnect; the client then reads it again whenever it needs a fresh token.
 */
export async function clientSecurityConfig(
  security: ClientSecurity,
): Promise<Omit<ClientConfig, 'serviceUrl'>> {
  const { AuthenticationBasic, AuthenticationTls, AuthenticationToken } = await import('@magnetar/client');
  const config: Omit<ClientConfig, 'serviceUrl'> = {
    tlsAllowInsecureConnection: security.allowInsecureConnection,
    tlsValidateHostname: security.validateHostname,
  };
  if (security.trustCertsFile !== undefined) config.tlsTrustCertsFilePath = security.trustCertsFile;
  if (security.certFile !== undefined && security.keyFile !== undefined) {
    config.tlsCertificateFilePath = security.certFile;
    config.tlsPrivateKeyFilePath = security.keyFile;
  }
  if (security.listenerName !== undefined) config.listenerName = security.listenerName;
  const c = security.credentials;
  switch (c.kind) {
    case 'token': {
      const token = c.token;
      await resolveToken(token);
      config.authentication =
        'value' in token
          ? new AuthenticationToken({ token: token.value })
          : new AuthenticationToken({ tokenSupplier: () => resolveToken(token) });
      break;
    }
    case 'basic':
      config.authentication = new AuthenticationBasic({ username: c.userId, password: c.password });
      break;
    case 'tls':
      config.authentication = new AuthenticationTls({
        certificatePath: c.certFile,
        privateKeyPath: c.keyFile,
      });
      break;
    case 'none':
      break;
  }
  return config;
}

/** Node's codes for a broker certificate that does not verify: the fix is a CA file. */
const CERT_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** What to tell a user whose broker certificate failed with Node's `code`, or undefined. */
export function untrustedCertificateHint(code: string | undefined): string | undefined {
  return code !== undefined && CERT_ERRORS.has(code)
    ? "the broker's certificate is not trusted: give its CA with --tls-trust-certs-file-path"
    : undefined;
}

/**
 * One line for a client failure: the error's message, plus Node's reason for a failed TLS
 * handshake (TlsError keeps it in `cause.code`) and what to do about an untrusted certificate.
 */
export function describeClientError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: { code?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const text = code !== undefined && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
  const hint = untrustedCertificateHint(code);
  return hint === undefined ? text : `${text}; ${hint}`;
}

/** Adds the security options to a client command (produce, consume, perf produce|consume|e2e). */
export function addClientSecurityOptions(cmd: Command): Command {
  return cmd
    .option(
      '--auth-plugin <plugin>',
      'authentication plugin: org.apache.pulsar.client.impl.auth.AuthenticationToken, ' +
        '...AuthenticationBasic or ...AuthenticationTls (or token, basic, tls)',
    )
    .option(
      '--auth-params <params>',
      'parameters of --auth-plugin: "token:<jwt>" or "file:///path/token" for tokens, ' +
        '\'{"userId":"u","password":"p"}\' for basic, "tlsCertFile:<pem>,tlsKeyFile:<pem>" for tls',
    )
    .option('--token <token>', 'shorthand for the token plugin: the token, or file:///path/token')
    .option(
      '--tls-trust-certs-file-path <file>',
      'PEM CA certificates that verify a pulsar+ssl:// broker (default: Node’s bundled CAs)',
    )
    .addOption(new Option('--trust-cert-file <file>').hideHelp())
    .option('--tls-allow-insecure-connection', "accept any broker certificate (don't, outside tests)")
    .addOption(new Option('--tls-allow-insecure').hideHelp())
    .option(
      '--tls-enable-hostname-verification',
      'also check that the broker certificate names the host connected to',
    )
    .option('--tls-cert-file <file>', 'client certificate (PEM) for brokers that ask for one')
    .option('--tls-key-file <file>', 'private key (PEM) of --tls-cert-file')
    .option('--listener-name <name>', "the broker's advertised listener to look topics up on");
}
