/**
 * `magnetar tokens`: the verbs of Pulsar's `bin/pulsar tokens`, making keys and JWTs the broker's
 * token provider accepts. Keys are files in Pulsar's formats (a raw HMAC secret; DER PKCS#8 private
 * and SPKI public keys, or PEM with --pem) and every key argument takes "file:///path",
 * "data:;base64,..." or a plain path, like the broker's tokenSecretKey and tokenPublicKey.
 *
 * Exit status: 0 on success, 1 when `validate` finds the token invalid, 2 for bad arguments or keys.
 */
import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, Option, type Command } from 'commander';
// jose is imported inside the actions: every `magnetar` start loads this file, few use tokens.

export const EXIT_INVALID_TOKEN = 1;
export const EXIT_BAD_INPUT = 2;

/** Where the command's output goes; tests collect it instead of touching the process. */
export interface TokensIo {
  out(data: string | Uint8Array): void;
  err(text: string): void;
  exit(code: number): void;
  /** Ends the command at once (commander's usage errors); the process exits with `code`. */
  abort(code: number): never;
  /** Seconds since the epoch, for exp and for validation. */
  nowSeconds(): number;
}

const processIo: TokensIo = {
  out: (data) => process.stdout.write(data),
  err: (text) => process.stderr.write(text),
  exit: (code) => {
    process.exitCode = code;
  },
  abort: (code) => process.exit(code),
  nowSeconds: () => Math.floor(Date.now() / 1000),
};

const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'];
const KEY_PAIR_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];
const EC_CURVES: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };
const CURVE_ALGORITHM: Record<string, string> = {
  prime256v1: 'ES256',
  secp384r1: 'ES384',
  secp521r1: 'ES512',
};
/** Smallest secret for each HMAC algorithm (RFC 7518 §3.2), which the broker also insists on. */
const HMAC_MIN_BYTES: Record<string, number> = { HS256: 32, HS384: 48, HS512: 64 };

/** A failure the user can fix; printed as "error: ..." with exit status 2. */
class BadInput extends Error {}

export function registerTokens(program: Command, io: TokensIo = processIo): void {
  const tokens = program
    .command('tokens')
    .description('create keys and tokens for token authentication (as `pulsar tokens`)');
  // Usage errors (a missing option, an unknown algorithm) exit with 2 like other bad input, so that
  // 1 from `validate` always means "invalid token". Subcommands inherit this.
  tokens.exitOverride((err) => io.abort(err.exitCode === 0 ? 0 : EXIT_BAD_INPUT));
  const keySpec = 'file:///path, data:;base64,... or a path';

  tokens
    .command('create-secret-key')
    .description('make a random HMAC secret (HS256..HS512) for tokenSecretKey')
    .option('-o, --output <file>', 'write the key to this file instead of stdout')
    .option('-b, --base64', 'write the key as base64 text instead of raw bytes')
    .addOption(signatureAlgorithm(HMAC_ALGORITHMS, 'HS256'))
    .action(run(io, (opts: SecretKeyOptions) => createSecretKeyFile(opts, io)));

  tokens
    .command('create-key-pair')
    .description('make a private/public key pair (DER like Pulsar, or --pem) for tokenPublicKey')
    .requiredOption('--output-private-key <file>', 'file for the private key (PKCS#8)')
    .requiredOption('--output-public-key <file>', 'file for the public key (SPKI): tokenPublicKey')
    .option('--pem', 'write PEM text instead of DER')
    .addOption(signatureAlgorithm(KEY_PAIR_ALGORITHMS, 'RS256'))
    .action(run(io, createKeyPairFiles));

  tokens
    .command('create')
    .description('make a token for a role, signed with a secret key or a private key')
    .requiredOption('-s, --subject <role>', 'the role the token grants (its "sub" claim)')
    .option('--secret-key <keyspec>', `HMAC secret: ${keySpec}`)
    .option('--private-key <keyspec>', `private key (DER PKCS#8 or PEM): ${keySpec}`)
    .option(
      '-e, --expiry-time <duration>',
      'lifetime such as 30m, 12h, 30d, 1y (default: never)',
      durationArg,
    )
    .addOption(
      signatureAlgorithm([...HMAC_ALGORITHMS, ...KEY_PAIR_ALGORITHMS], undefined).default(
        undefined,
        'HS256 for a secret, else from the private key',
      ),
    )
    .action(run(io, (opts: CreateOptions) => createToken(opts, io)));

  tokens
    .command('show')
    .description('print the header and claims of a token, WITHOUT checking its signature')
    .argument('<token>', 'the token')
    .action(
      run(io, async (token: string) => {
        io.out(`${JSON.stringify(await decode(token), null, 2)}\n`);
      }),
    );

  tokens
    .command('validate')
    .description('check a token’s signature and time claims (exit status 0 valid, 1 invalid)')
    .argument('<token>', 'the token')
    .option('--secret-key <keyspec>', `HMAC secret the token must be signed with: ${keySpec}`)
    .option('--public-key <keyspec>', `public key (DER SPKI or PEM): ${keySpec}`)
    .addOption(
      signatureAlgorithm(KEY_PAIR_ALGORITHMS, undefined).default(
        undefined,
        'from the public key: RS256 for RSA, ES* by curve',
      ),
    )
    .action(run(io, (token: string, opts: ValidateOptions) => validateToken(token, opts, io)));
}

interface SecretKeyOptions {
  output?: string;
  base64?: boolean;
  signatureAlgorithm: string;
}

async function createSecretKeyFile(opts: SecretKeyOptions, io: TokensIo): Promise<void> {
  const key = randomBytes(HMAC_MIN_BYTES[opts.signatureAlgorithm]);
  const data = opts.base64 ? `${key.toString('base64')}${opts.output ? '' : '\n'}` : key;
  if (opts.output) await writeFile(opts.output, data, { mode: 0o600 });
  else io.out(data);
}

interface KeyPairOptions {
  outputPrivateKey: string;
  outputPublicKey: string;
  pem?: boolean;
  signatureAlgorithm: string;
}

/** Pulsar writes DER: PKCS#8 for the private key, X.509 SubjectPublicKeyInfo for the public one. */
async function createKeyPairFiles(opts: KeyPairOptions): Promise<void> {
  const { privateKey, publicKey } = generateKeyPair(opts.signatureAlgorithm);
  const [priv, pub] = opts.pem
    ? [privateKey.export({ format: 'pem', type: 'pkcs8' }), publicKey.export({ format: 'pem', type: 'spki' })]
    : [
        privateKey.export({ format: 'der', type: 'pkcs8' }),
        publicKey.export({ format: 'der', type: 'spki' }),
      ];
  await writeFile(opts.outputPrivateKey, priv, { mode: 0o600 });
  await writeFile(opts.outputPublicKey, pub);
}

interface CreateOptions {
  subject: string;
  secretKey?: string;
  privateKey?: string;
  /** Seconds, already parsed by durationArg. */
  expiryTime?: number;
  signatureAlgorithm?: string;
}

async function createToken(opts: CreateOptions, io: TokensIo): Promise<void> {
  if (opts.subject.trim() === '') throw new BadInput('--subject must not be empty');
  const source = exactlyOneKey(opts.secretKey, opts.privateKey, '--private-key');
  const signer = await signingKey(source, opts.signatureAlgorithm);
  const { SignJWT } = await import('jose');
  const jwt = new SignJWT({ sub: opts.subject }).setProtectedHeader({ alg: signer.alg });
  if (opts.expiryTime !== undefined) jwt.setExpirationTime(io.nowSeconds() + opts.expiryTime);
  io.out(`${await jwt.sign(signer.key)}\n`);
}

interface ValidateOptions {
  secretKey?: string;
  publicKey?: string;
  signatureAlgorithm?: string;
}

/** Checks as the broker does: pinned algorithms, exp and nbf against the current time. */
async function validateToken(token: string, opts: ValidateOptions, io: TokensIo): Promise<void> {
  const source = exactlyOneKey(opts.secretKey, opts.publicKey, '--public-key');
  const verifier = await verificationKey(source, opts.signatureAlgorithm);
  const { jwtVerify } = await import('jose');
  try {
    const { payload } = await jwtVerify(token.trim(), verifier.key, {
      algorithms: verifier.algorithms,
      currentDate: new Date(io.nowSeconds() * 1000),
    });
    const expiry = typeof payload.exp === 'number' ? new Date(payload.exp * 1000).toISOString() : 'never';
    io.out(`valid: subject ${JSON.stringify(payload.sub ?? null)}, expires ${expiry}\n`);
  } catch (err) {
    io.err(`invalid: ${(err as Error).message}\n`);
    io.exit(EXIT_INVALID_TOKEN);
  }
}

/** Wraps an action: a BadInput or unreadable file becomes "error: ..." and exit status 2. */
function run<A extends unknown[]>(io: TokensIo, action: (...args: A) => Promise<void>) {
  return async (...args: unknown[]) => {
    try {
      await action(...(args.slice(0, -1) as A));
    } catch (err) {
      io.err(`error: ${(err as Error).message}\n`);
      io.exit(EXIT_BAD_INPUT);
    }
  };
}

function signatureAlgorithm(choices: string[], def: string | undefined): Option {
  const option = new Option('-a, --signature-algorithm <alg>', 'signature algorithm').choices(choices);
  return def === undefined ? option : option.default(def);
}

/** Pulsar's relative times: a number and one of s, m, h, d, w, y. Returns seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*([smhdwy])$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration such as 30m, 12h, 30d or 1y`);
  const unit = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 }[match[2] as 's'];
  const seconds = Number(match[1]) * unit;
  if (seconds <= 0 || !Number.isSafeInteger(seconds)) throw new Error(`"${text}" is not a positive duration`);
  return seconds;
}

function durationArg(text: string): number {
  try {
    return parseDuration(text);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function exactlyOneKey(secret: string | undefined, other: string | undefined, otherFlag: string) {
  if ((secret === undefined) === (other === undefined)) {
    throw new BadInput(`give exactly one of --secret-key and ${otherFlag}`);
  }
  return secret !== undefined
    ? { kind: 'secret' as const, spec: secret }
    : { kind: 'pair' as const, spec: other as string };
}

/** Reads a key argument: "file:///path", "data:;base64,..." or a plain path. */
export async function readKeySpec(spec: string): Promise<Buffer> {
  const text = spec.trim();
  if (text.startsWith('data:')) {
    const comma = text.indexOf(',');
    if (comma < 0 || !text.slice(5, comma).split(';').includes('base64')) {
      throw new BadInput('a data URL key must look like "data:;base64,<base64>"');
    }
    return Buffer.from(text.slice(comma + 1), 'base64');
  }
  const path = text.startsWith('file:') ? fileURLToPath(text) : text;
  try {
    return await readFile(path);
  } catch (err) {
    throw new BadInput(`cannot read key file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

async function signingKey(
  source: { kind: 'secret' | 'pair'; spec: string },
  alg: string | undefined,
): Promise<{ key: KeyObject; alg: string }> {
  const bytes = await readKeySpec(source.spec);
  if (source.kind === 'secret') {
    const chosen = alg ?? 'HS256';
    if (!HMAC_ALGORITHMS.includes(chosen))
      throw new BadInput(`a secret key signs HS256, HS384 or HS512, not ${chosen}`);
    checkSecretLength(bytes, chosen);
    return { key: createSecretKey(bytes), alg: chosen };
  }
  const key = parseKey(bytes, 'private');
  const chosen = alg ?? defaultAlgorithm(key);
  checkKeyFits(key, chosen);
  return { key, alg: chosen };
}

async function verificationKey(
  source: { kind: 'secret' | 'pair'; spec: string },
  alg: string | undefined,
): Promise<{ key: KeyObject; algorithms: string[] }> {
  const bytes = await readKeySpec(source.spec);
  if (source.kind === 'secret') {
    return {
      key: createSecretKey(bytes),
      algorithms: HMAC_ALGORITHMS.filter((a) => bytes.length >= HMAC_MIN_BYTES[a]),
    };
  }
  const key = parseKey(bytes, 'public');
  const chosen = alg ?? defaultAlgorithm(key);
  checkKeyFits(key, chosen);
  return { key, algorithms: [chosen] };
}

function checkSecretLength(bytes: Buffer, alg: string): void {
  if (bytes.length < HMAC_MIN_BYTES[alg]) {
    throw new BadInput(
      `${alg} needs a secret of at least ${HMAC_MIN_BYTES[alg]} bytes; this one has ${bytes.length}`,
    );
  }
}

/** DER (PKCS#8 / SPKI, then PKCS#1 or SEC1 for private keys) or PEM of any kind node reads. */
function parseKey(bytes: Buffer, kind: 'private' | 'public'): KeyObject {
  const pem = bytes.subarray(0, 64).toString('latin1').trimStart().startsWith('-----BEGIN');
  const attempts: (() => KeyObject)[] = pem
    ? [() => (kind === 'private' ? createPrivateKey : createPublicKey)(bytes.toString('utf8'))]
    : kind === 'private'
      ? (['pkcs8', 'pkcs1', 'sec1'] as const).map(
          (type) => () => createPrivateKey({ key: bytes, format: 'der', type }),
        )
      : [() => createPublicKey({ key: bytes, format: 'der', type: 'spki' })];
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch {
      // Not this encoding; try the next.
    }
  }
  throw new BadInput(`the key is not a ${kind} key in DER or PEM`);
}

function defaultAlgorithm(key: KeyObject): string {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'rsa-pss') return 'PS256';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === 'ec' && curve && CURVE_ALGORITHM[curve]) return CURVE_ALGORITHM[curve];
  throw new BadInput(`unsupported key type ${key.asymmetricKeyType ?? 'unknown'}`);
}

function checkKeyFits(key: KeyObject, alg: string): void {
  const type = key.asymmetricKeyType;
  const fits = alg.startsWith('ES')
    ? type === 'ec' && key.asymmetricKeyDetails?.namedCurve === EC_CURVES[alg]
    : alg.startsWith('RS')
      ? type === 'rsa'
      : alg.startsWith('PS') && (type === 'rsa' || type === 'rsa-pss');
  if (!fits) throw new BadInput(`a ${type ?? 'secret'} key cannot be used with ${alg}`);
}

function generateKeyPair(alg: string): { privateKey: KeyObject; publicKey: KeyObject } {
  if (alg.startsWith('ES')) return generateKeyPairSync('ec', { namedCurve: EC_CURVES[alg] });
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

async function decode(token: string): Promise<{ header: unknown; payload: unknown }> {
  const { decodeJwt, decodeProtectedHeader } = await import('jose');
  try {
    return { header: decodeProtectedHeader(token.trim()), payload: decodeJwt(token.trim()) };
  } catch (err) {
    throw new BadInput(`not a JWT: ${(err as Error).message}`);
  }
}
