/**
 * Reads the bytes a key or password-file setting points at. Pulsar's settings (tokenSecretKey,
 * tokenPublicKey, basicAuthConf) take a URL, "file:///abs/path" or "data:;base64,<b64>"; a plain
 * path is accepted as well. Unlike Pulsar, a plain value that is not an existing file is an error
 * rather than being read as inline base64: a mistyped path must not silently become a key.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** Where the bytes came from, for start-up error messages ("file /etc/key" or "inline data"). */
export interface KeySource {
  bytes: Buffer;
  /** A path for files (for "file:line" messages), or "inline data" for data: URLs. */
  origin: string;
}

/** A start-up problem with one setting; the message names the setting and, where known, the file. */
export class AuthConfigError extends Error {
  readonly code = 'AUTH_CONFIG_INVALID';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuthConfigError';
  }
}

/** Resolves `value` (the setting's text) to bytes; throws AuthConfigError naming `setting`. */
export async function readKeySource(setting: string, value: string): Promise<KeySource> {
  const text = value.trim();
  if (text.startsWith('data:')) return { bytes: decodeDataUrl(setting, text), origin: 'inline data' };
  const path = text.startsWith('file:') ? filePath(setting, text) : text;
  try {
    return { bytes: await readFile(path), origin: path };
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new AuthConfigError(`${setting}: cannot read ${path} (${why})`, { cause: err });
  }
}

function filePath(setting: string, url: string): string {
  try {
    return fileURLToPath(url);
  } catch (err) {
    throw new AuthConfigError(`${setting}: "${url}" is not a valid file:/// URL`, { cause: err });
  }
}

/** RFC 2397 "data:[<mediatype>][;base64],<data>"; only the base64 form is accepted, as in Pulsar. */
function decodeDataUrl(setting: string, url: string): Buffer {
  const comma = url.indexOf(',');
  const header = comma < 0 ? '' : url.slice(5, comma);
  if (comma < 0 || !header.split(';').includes('base64')) {
    throw new AuthConfigError(`${setting}: a data URL must look like "data:;base64,<base64>"`);
  }
  const body = url.slice(comma + 1).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(body) || body.length === 0) {
    throw new AuthConfigError(`${setting}: the data URL does not hold valid base64`);
  }
  return Buffer.from(body, body.includes('-') || body.includes('_') ? 'base64url' : 'base64');
}
