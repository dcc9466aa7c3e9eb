/**
 * Basic authentication (Pulsar's AuthenticationProviderBasic): a user and password checked against
 * the htpasswd file of basicAuthConf. The binary protocol carries "user:password" in auth_data (what
 * Pulsar's AuthenticationBasic client sends); HTTP carries base64("user:password") after "Basic ".
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import bcrypt from 'bcryptjs';
import type { HtpasswdEntry } from './htpasswd.js';
import {
  AuthenticationFailure,
  type AuthCredentials,
  type AuthenticatedIdentity,
  type AuthenticationProvider,
} from './types.js';

/**
 * apache-md5 is CommonJS and its typings declare an ES default export that Node does not produce
 * for it under NodeNext, so it is loaded with require and given its real signature here.
 */
const aprMd5 = createRequire(import.meta.url)('apache-md5') as (password: string, salt?: string) => string;

/** One message for an unknown user and a wrong password, so neither tells which it was. */
const REFUSED = 'Unknown user or wrong password';

export class BasicAuthenticationProvider implements AuthenticationProvider {
  readonly method = 'basic';
  private decoy: Promise<HtpasswdEntry> | undefined;

  constructor(private readonly users: ReadonlyMap<string, HtpasswdEntry>) {}

  async authenticate(credentials: AuthCredentials): Promise<AuthenticatedIdentity> {
    const { user, password } = splitUserInfo(credentials);
    const entry = this.users.get(user);
    // An unknown user is checked against a decoy hash of the costliest kind in the file, so that
    // the answer takes about as long as for a known user with a wrong password.
    const matches = await checkPassword(password, entry ?? (await this.decoyEntry()));
    if (!entry || !matches) throw new AuthenticationFailure(REFUSED);
    return { role: user, method: this.method };
  }

  private decoyEntry(): Promise<HtpasswdEntry> {
    this.decoy ??= makeDecoy([...this.users.values()]);
    return this.decoy;
  }
}

function splitUserInfo(credentials: AuthCredentials): { user: string; password: string } {
  const text =
    credentials.transport === 'http'
      ? decodeBase64(credentials.data.toString('latin1'))
      : credentials.data.toString('utf8');
  // htpasswd user names cannot hold ":", so the first one ends the user; the password may hold more.
  const colon = text.indexOf(':');
  if (colon <= 0) throw new AuthenticationFailure('Basic credentials must be "user:password"');
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

function decodeBase64(text: string): string {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(trimmed)) {
    throw new AuthenticationFailure('Basic credentials are not valid base64');
  }
  return Buffer.from(trimmed, 'base64').toString('utf8');
}

async function checkPassword(password: string, entry: HtpasswdEntry): Promise<boolean> {
  if (entry.kind === 'bcrypt') return bcrypt.compare(password, entry.hash);
  const computed = Buffer.from(aprMd5(password, entry.hash), 'utf8');
  const stored = Buffer.from(entry.hash, 'utf8');
  return computed.length === stored.length && timingSafeEqual(computed, stored);
}

async function makeDecoy(entries: HtpasswdEntry[]): Promise<HtpasswdEntry> {
  const secret = randomBytes(16).toString('hex');
  const rounds = Math.max(
    0,
    ...entries.filter((e) => e.kind === 'bcrypt').map((e) => bcrypt.getRounds(e.hash)),
  );
  if (rounds > 0) return { kind: 'bcrypt', hash: await bcrypt.hash(secret, rounds) };
  return { kind: 'apr1', hash: aprMd5(secret) };
}
