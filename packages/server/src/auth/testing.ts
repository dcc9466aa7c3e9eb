/**
 * Fixtures for tests that need real authentication: a broker config with security switched on, an
 * AdminResources over an in-memory metadata store, and token signers whose tokens the real token
 * provider accepts. Not part of the build (tsconfig excludes testing.ts).
 */
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { defaultConfig, type BrokerConfig } from '../config/schema.js';
import { MemoryMetadataStore } from '../metadata/memory-metadata-store.js';
import { AdminResources } from '../resources/admin-resources.js';
import { brokerPolicyDefaults } from '../resources/policies/effective.js';
import { ManualClock } from '../util/clock.js';
import { createAuthServices, type AuthServices } from './index.js';

export const silentLog = pino({ level: 'silent' });

/** The default config with `overrides` applied; authenticationEnabled is on unless overridden. */
export function securityConfig(overrides: Partial<BrokerConfig> = {}): BrokerConfig {
  return { ...defaultConfig(), authenticationEnabled: true, ...overrides };
}

export interface TestResources {
  resources: AdminResources;
  store: MemoryMetadataStore;
  close(): Promise<void>;
}

/** AdminResources over a fresh in-memory store, with cluster "local" registered. */
export async function testResources(): Promise<TestResources> {
  const store = new MemoryMetadataStore();
  const resources = new AdminResources(store, {
    clusterName: 'local',
    defaults: brokerPolicyDefaults(defaultConfig()),
  });
  await resources.clusters.ensure('local', {
    serviceUrl: 'http://127.0.0.1:8080',
    brokerServiceUrl: 'pulsar://127.0.0.1:6650',
  });
  return {
    resources,
    store,
    close: async () => {
      resources.close();
      await store.close();
    },
  };
}

export interface SignOptions {
  /** Seconds since the epoch. */
  exp?: number;
  nbf?: number;
  /** Extra claims; `sub` is set from the role unless a claim overrides it. */
  claims?: Record<string, unknown>;
  alg?: string;
}

/** An HMAC key (HS256 and up) with the config settings that make the token provider accept it. */
export class HmacTokenFixture {
  readonly secret = randomBytes(32);
  /** tokenSecretKey as a data URL. */
  readonly settings: Partial<BrokerConfig> = {
    authenticationProviders: 'token',
    tokenSecretKey: `data:;base64,${this.secret.toString('base64')}`,
  };

  sign(role: string | undefined, options: SignOptions = {}): Promise<string> {
    return signWith(this.secret, options.alg ?? 'HS256', role, options);
  }
}

/** An RSA or EC key pair; `publicDer` is SPKI DER as Pulsar's create-key-pair writes it. */
export class KeyPairTokenFixture {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;

  constructor(readonly alg: 'RS256' | 'ES256' | 'ES384' | 'PS256' = 'RS256') {
    const pair = alg.startsWith('ES')
      ? generateKeyPairSync('ec', { namedCurve: alg === 'ES256' ? 'prime256v1' : 'secp384r1' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  get publicDer(): Buffer {
    return this.publicKey.export({ format: 'der', type: 'spki' });
  }

  get publicPem(): string {
    return this.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  }

  get settings(): Partial<BrokerConfig> {
    return {
      authenticationProviders: 'token',
      tokenPublicKey: `data:;base64,${this.publicDer.toString('base64')}`,
      tokenPublicAlg: this.alg,
    };
  }

  sign(role: string | undefined, options: SignOptions = {}): Promise<string> {
    return signWith(this.privateKey, options.alg ?? this.alg, role, options);
  }
}

function signWith(
  key: KeyObject | Uint8Array,
  alg: string,
  role: string | undefined,
  options: SignOptions,
): Promise<string> {
  const payload: Record<string, unknown> = role === undefined ? {} : { sub: role };
  Object.assign(payload, options.claims);
  if (options.exp !== undefined) payload.exp = options.exp;
  if (options.nbf !== undefined) payload.nbf = options.nbf;
  return new SignJWT(payload).setProtectedHeader({ alg }).sign(key);
}

/**
 * Real auth services over `testResources()`, with a ManualClock (starting at `nowMs`) for token
 * expiry. Close the returned resources when done.
 */
export async function testAuthServices(
  overrides: Partial<BrokerConfig>,
  nowMs = Date.UTC(2030, 0, 1),
): Promise<{ auth: AuthServices; clock: ManualClock } & TestResources> {
  const res = await testResources();
  const clock = new ManualClock(nowMs);
  try {
    const auth = await createAuthServices(securityConfig(overrides), {
      resources: res.resources,
      log: silentLog,
      clock,
    });
    return { auth, clock, ...res };
  } catch (err) {
    await res.close();
    throw err;
  }
}
