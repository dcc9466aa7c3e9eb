/**
 * The verification keys of token authentication and the algorithms each may verify. Algorithms are
 * pinned by key, never taken from the token: an HMAC secret verifies only HS*, and a public key only
 * tokenPublicAlg. That closes "alg: none" and the HS/RS confusion, where a token HMAC-signed with
 * the public key's bytes as the secret would otherwise pass.
 */
import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { AuthConfigError, type KeySource } from './key-source.js';

export const PUBLIC_KEY_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
] as const;
export type PublicKeyAlgorithm = (typeof PUBLIC_KEY_ALGORITHMS)[number];

/** HMAC algorithms with the shortest secret each accepts (RFC 7518 §3.2: at least the hash size). */
const HMAC_MIN_BYTES = { HS256: 32, HS384: 48, HS512: 64 } as const;

/** The curve ES* requires (node's names for P-256, P-384, P-521). */
const EC_CURVES: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

export interface VerificationKey {
  key: KeyObject;
  /** The only algorithms a token's header may name. */
  algorithms: string[];
}

/**
 * An HMAC secret: the file's raw bytes, as Pulsar's `tokens create-secret-key` writes them (a file
 * holding base64 text is used as those bytes, as Pulsar does; give base64 as "data:;base64,...").
 * Shorter than 32 bytes is refused, as Pulsar (jjwt's hmacShaKeyFor) refuses it.
 */
export function secretVerificationKey(source: KeySource): VerificationKey {
  const algorithms = Object.entries(HMAC_MIN_BYTES)
    .filter(([, min]) => source.bytes.length >= min)
    .map(([alg]) => alg);
  if (algorithms.length === 0) {
    throw new AuthConfigError(
      `tokenSecretKey: the key in ${source.origin} is ${source.bytes.length} bytes; HMAC keys need at least 32`,
    );
  }
  return { key: createSecretKey(source.bytes), algorithms };
}

export function isPublicKeyAlgorithm(alg: string): alg is PublicKeyAlgorithm {
  return (PUBLIC_KEY_ALGORITHMS as readonly string[]).includes(alg);
}

/** A public key in DER (SPKI, what Pulsar's create-key-pair writes) or PEM, checked against `alg`. */
export function publicVerificationKey(source: KeySource, alg: string): VerificationKey {
  if (!isPublicKeyAlgorithm(alg)) {
    throw new AuthConfigError(
      `tokenPublicAlg: "${alg}" is not supported; use one of ${PUBLIC_KEY_ALGORITHMS.join(', ')}`,
    );
  }
  const key = parsePublicKey(source);
  const problem = keyMismatch(key, alg);
  if (problem) throw new AuthConfigError(`tokenPublicKey: the key in ${source.origin} ${problem}`);
  return { key, algorithms: [alg] };
}

function parsePublicKey(source: KeySource): KeyObject {
  const pem = isPem(source.bytes);
  try {
    return pem
      ? createPublicKey({ key: source.bytes.toString('utf8'), format: 'pem' })
      : createPublicKey({ key: source.bytes, format: 'der', type: 'spki' });
  } catch (err) {
    const form = pem ? 'PEM' : 'DER (SPKI)';
    throw new AuthConfigError(
      `tokenPublicKey: ${source.origin} is not a readable ${form} public key (${(err as Error).message})`,
      { cause: err },
    );
  }
}

function isPem(bytes: Buffer): boolean {
  return bytes.subarray(0, 64).toString('latin1').trimStart().startsWith('-----BEGIN');
}

/** Why `key` cannot verify `alg`, or undefined when it can. */
function keyMismatch(key: KeyObject, alg: PublicKeyAlgorithm): string | undefined {
  const type = key.asymmetricKeyType;
  if (alg.startsWith('RS') || alg.startsWith('PS')) {
    const ok = type === 'rsa' || (alg.startsWith('PS') && type === 'rsa-pss');
    return ok ? undefined : `is a ${type ?? 'non-asymmetric'} key, but ${alg} needs an RSA key`;
  }
  if (type !== 'ec') return `is a ${type ?? 'non-asymmetric'} key, but ${alg} needs an EC key`;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve === EC_CURVES[alg] ? undefined : `is on curve ${curve}, but ${alg} needs ${EC_CURVES[alg]}`;
}
