/**
 * `magnetar admin`'s credentials on the wire. The options are parsed as for every command that
 * talks to a broker (../security-options.ts: --auth-plugin with the Java client's class name or a
 * short name, --auth-params in that plugin's format, or --token); here they become the
 * Authorization header of each request. A token file is read when the first request is sent.
 */
import { resolveToken, type Credentials } from '../security-options.js';

export { parseAuthFlags, parseTokenParams, type AuthFlags, type TokenSource } from '../security-options.js';

/** The admin client's credentials: the shared parser's result. */
export type AdminAuth = Credentials;

/** The value of the Authorization header for `auth`, or undefined when it sends none. */
export async function authorizationHeader(auth: AdminAuth): Promise<string | undefined> {
  switch (auth.kind) {
    case 'token':
      return `Bearer ${await resolveToken(auth.token)}`;
    case 'basic':
      return `Basic ${Buffer.from(`${auth.userId}:${auth.password}`, 'utf8').toString('base64')}`;
    default:
      return undefined;
  }
}
