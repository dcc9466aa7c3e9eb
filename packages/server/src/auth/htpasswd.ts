/**
 * An Apache htpasswd file as basicAuthConf holds it: one "user:hash" per line. Only hashes Magnetar
 * can check are accepted, Apache MD5 ("$apr1$", `htpasswd -m`) and bcrypt ("$2a$", "$2b$", "$2y$",
 * `htpasswd -B`); anything else stops the start with the file and line, rather than locking a user
 * out at the first login.
 */
import { AuthConfigError } from './key-source.js';

export type HashKind = 'apr1' | 'bcrypt';

export interface HtpasswdEntry {
  hash: string;
  kind: HashKind;
}

const APR1 = /^\$apr1\$[./0-9A-Za-z]{1,8}\$[./0-9A-Za-z]{22}$/;
const BCRYPT = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./0-9A-Za-z]{53}$/;

/** Parses the file's text; `origin` (a path or "inline data") names it in errors. */
export function parseHtpasswd(text: string, origin: string): Map<string, HtpasswdEntry> {
  const users = new Map<string, HtpasswdEntry>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    // Apache skips blank lines and "#" comments in htpasswd files.
    if (line === '' || line.startsWith('#')) return;
    const where = `basicAuthConf ${origin}:${i + 1}`;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new AuthConfigError(`${where}: expected "user:hash"`);
    const user = line.slice(0, colon);
    const hash = line.slice(colon + 1);
    const kind = hashKind(hash);
    if (!kind) {
      throw new AuthConfigError(
        `${where}: unsupported password hash for user "${user}" (use $apr1$ from htpasswd -m or bcrypt from htpasswd -B)`,
      );
    }
    if (users.has(user)) throw new AuthConfigError(`${where}: user "${user}" appears twice`);
    users.set(user, { hash, kind });
  });
  return users;
}

function hashKind(hash: string): HashKind | undefined {
  if (APR1.test(hash)) return 'apr1';
  if (BCRYPT.test(hash)) return 'bcrypt';
  return undefined;
}
