/**
 * A typed, versioned JSON value under one metadata key, with Pulsar's read-modify-write pattern
 * (MetadataCache.readModifyUpdate): read the value and its version, apply a pure change, write it
 * back only if the version is unchanged, and start again if someone else wrote in between. A change
 * that throws (a validation failure) writes nothing, so no update is ever half-applied.
 */
import { BadVersionError, NotFoundError, type MetadataStore } from '../metadata/types.js';
import { conflict } from './errors.js';
import type { KeyedLock } from './keyed-lock.js';

export interface Versioned<T> {
  readonly value: T;
  readonly version: number;
}

/** Parses stored JSON into the model; throws on data this version cannot read. */
export type Decoder<T> = (raw: unknown, path: string) => T;

/**
 * Compare-and-set attempts before giving up with 409 "Concurrent modification" (Pulsar's answer
 * to a lost race). In-process writers are serialised by the lock, so only writers in other
 * processes can make an attempt fail.
 */
export const MAX_CAS_ATTEMPTS = 32;

export class JsonResource<T> {
  constructor(
    private readonly store: MetadataStore,
    private readonly decode: Decoder<T>,
    private readonly lock: KeyedLock,
  ) {}

  async get(path: string): Promise<Versioned<T> | null> {
    const got = await this.store.get(path);
    if (!got) return null;
    const raw: unknown = JSON.parse(got.value.toString('utf8'));
    return { value: this.decode(raw, path), version: got.stat.version };
  }

  exists(path: string): Promise<boolean> {
    return this.store.exists(path);
  }

  children(path: string): Promise<string[]> {
    return this.store.children(path);
  }

  /** Creates the key; false if it already exists (nothing written). */
  async create(path: string, value: T): Promise<boolean> {
    try {
      await this.store.put(path, encode(value), { expectedVersion: -1 });
      return true;
    } catch (err) {
      if (err instanceof BadVersionError) return false;
      throw err;
    }
  }

  /**
   * Applies `change` to a private copy of the current value and writes the result with
   * compare-and-set, retrying on a lost race. Resolves with the written value, or null if the key
   * does not exist. Errors thrown by `change` propagate and nothing is written.
   */
  update(path: string, change: (current: T) => T | Promise<T>): Promise<T | null> {
    return this.lock.run(path, async () => {
      for (let attempt = 1; ; attempt++) {
        const current = await this.get(path);
        if (!current) return null;
        const next = await change(structuredClone(current.value));
        try {
          await this.store.put(path, encode(next), { expectedVersion: current.version });
          return next;
        } catch (err) {
          if (err instanceof NotFoundError) return null;
          if (!(err instanceof BadVersionError)) throw err;
          if (attempt >= MAX_CAS_ATTEMPTS) throw conflict('Concurrent modification');
          // Back off with jitter before the next try: two writers retrying in lockstep can keep
          // beating each other (livelock); a random, growing pause lets one of them through.
          await pause(Math.random() * Math.min(2 ** attempt, 64));
        }
      }
    });
  }

  /** Deletes the key if it is still at `expectedVersion` (or unconditionally); false if it was gone. */
  async delete(path: string, expectedVersion?: number): Promise<boolean> {
    try {
      if (expectedVersion === undefined && !(await this.store.exists(path))) return false;
      await this.store.delete(path, expectedVersion);
      return true;
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      if (err instanceof BadVersionError) throw conflict('Concurrent modification');
      throw err;
    }
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function encode(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}
