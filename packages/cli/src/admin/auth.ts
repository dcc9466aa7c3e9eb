/**
 * `magnetar admin`'s credentials, given as pulsar-admin takes them: --auth-plugin with the Java
 * client's class name (or a short name) and --auth-params in that plugin's own format, or the
 * --token shorthand.
 *
 *   org.apache.pulsar.client.impl.auth.AuthenticationToken   "token:<jwt>", "file:///path", {"token":"<jwt>"}, or the bare token
 *   org.apache.pulsar.client.impl.auth.AuthenticationBasic   {"userId":"u","password":"p"} or "userId:u,password:p"
 *   org.apache.pulsar.client.impl.auth.AuthenticationTls     {"tlsCertFile":"...","tlsKeyFile":"..."} or "tlsCertFile:...,tlsKeyFile:..."
 *
 * Parsing checks the text only; a token file is read when the first request is sent.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export type AdminAuth =
  | { kind: 'none' }
  | { kind: 'token'; token: TokenSource }
  | { kind: 'basic'; userId: string; password: string }
  | { kind: 'tls'; certFile: string; keyFile: string };

/** A token given inline, or the path of a file holding it. */
export type TokenSource = { value: string } | { file: string };

export interface AuthFlags {
  authPlugin?: string;
  authParams?: string;
  token?: string;
}

const PLUGIN_PREFIX = 'org.apache.pulsar.client.impl.auth.';
const PLUGINS: Record<string, 'token' | 'basic' | 'tls'> = {
  token: 'token',
  authenticationtoken: 'token',
  basic: 'basic',
  authenticationbasic: 'basic',
  tls: 'tls',
  authenticationtls: 'tls',
};

export function parseAuthFlags(flags: AuthFlags): AdminAuth {
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

function parseBasicParams(params: string): AdminAuth {
  const map = paramMap(params);
  const userId = map.userId;
  const password = map.password;
  if (!userId || password === undefined) {
    throw new Error('the basic plugin needs --auth-params \'{"userId":"<user>","password":"<password>"}\'');
  }
  // RFC 7617: the user id of a Basic credential cannot contain a colon.
  if (userId.includes(':')) throw new Error('a basic userId cannot contain ":"');
  return { kind: 'basic', userId, password };
}

function parseTlsParams(params: string): AdminAuth {
  const map = paramMap(params);
  if (!map.tlsCertFile || !map.tlsKeyFile) {
    throw new Error(
      'the tls plugin needs --auth-params "tlsCertFile:/path/cert.pem,tlsKeyFile:/path/key.pem"',
    );
  }
  return { kind: 'tls', certFile: filePath(map.tlsCertFile), keyFile: filePath(map.tlsKeyFile) };
}

/** The value of the Authorization header for `auth`, or undefined when it sends none. */
export async function authorizationHeader(auth: AdminAuth): Promise<string | undefined> {
  switch (auth.kind) {
    case 'token': {
      const token = 'value' in auth.token ? auth.token.value : await readToken(auth.token.file);
      return `Bearer ${token}`;
    }
    case 'basic':
      return `Basic ${Buffer.from(`${auth.userId}:${auth.password}`, 'utf8').toString('base64')}`;
    default:
      return undefined;
  }
}

async function readToken(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(
      `cannot read the token file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  const token = text.trim();
  if (token === '') throw new Error(`the token file ${file} is empty`);
  return token;
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
