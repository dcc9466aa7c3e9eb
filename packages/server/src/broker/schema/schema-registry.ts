import { TopicName, type Schema } from '@magnetar/protocol';
import type { MetadataStore } from '../../metadata/types.js';
import { BadVersionError } from '../../metadata/types.js';
import type { PolicyService } from '../../resources/policy-service.js';
import {
  checkConsumerSchema,
  checkProducerSchema,
  type CompatibilityStrategy,
  type SchemaDefinition,
} from './compatibility.js';
import { isAvroBased } from './schema-types.js';

/** One version as stored; a deletion is a version too (Pulsar keeps a "deleted" marker). */
interface StoredSchema {
  name: string;
  type: number;
  data: string; // base64
  properties: { key: string; value: string }[];
  /** When the version was added (ms); 0 for versions written before timestamps were kept. */
  timestamp?: number;
  deleted?: boolean;
}

interface SchemaHistory {
  versions: StoredSchema[];
}

/** A schema version as the registry hands it out. */
export interface SchemaVersionInfo {
  version: number;
  schema: Schema;
  timestamp: number;
}

/** Most compare-and-set retries before giving up on a contended schema update. */
const MAX_CAS_RETRIES = 10;

/** Pulsar's broker default (schemaCompatibilityStrategy=FULL) when no policy service is wired. */
const DEFAULT_STRATEGY: CompatibilityStrategy = 'FULL';

/**
 * Per-topic schemas, versioned from 0, kept in the metadata store (one JSON record per topic, all
 * partitions of a partitioned topic sharing it, as in Pulsar). A new version is accepted only if
 * it is compatible with the existing ones under the namespace's schema_compatibility_strategy
 * (see compatibility.ts); otherwise IncompatibleSchemaError (ServerError.IncompatibleSchema).
 * Deleting a schema appends a "deleted" version: versions before it no longer take part in checks.
 */
export class SchemaRegistry {
  constructor(
    private readonly store: MetadataStore,
    private readonly policies?: PolicyService,
  ) {}

  /** The strategy the topic's namespace uses (UNDEFINED resolved to the broker default). */
  async strategyFor(topic: string): Promise<CompatibilityStrategy> {
    const effective = await this.policies?.effectivePolicies(topic);
    return effective?.schemaCompatibilityStrategy ?? DEFAULT_STRATEGY;
  }

  /** The schema at `version`, or the latest when omitted; null when there is none or it is deleted. */
  async get(topic: string, version?: number): Promise<SchemaVersionInfo | null> {
    const h = await this.read(topic);
    if (!h || h.versions.length === 0) return null;
    const v = version ?? h.versions.length - 1;
    const s = h.versions[v];
    return s && !s.deleted ? info(s, v) : null;
  }

  /** The versions since the last deletion, oldest first (GET .../schemas). */
  async getAll(topic: string): Promise<SchemaVersionInfo[]> {
    const h = await this.read(topic);
    return h ? live(h).map(({ s, v }) => info(s, v)) : [];
  }

  /**
   * Registers `schema` for a producer (CommandProducer.schema, GET_OR_CREATE_SCHEMA, REST upload)
   * unless an equal version exists since the last deletion; returns its version. Throws
   * IncompatibleSchemaError when the strategy refuses it.
   */
  async addIfNew(topic: string, schema: Schema, now = Date.now()): Promise<number> {
    const stored = toStored(schema, now);
    const strategy = await this.strategyFor(topic);
    return this.update(topic, (h) => {
      const versions = live(h);
      const same = versions.find(({ s }) => sameSchema(s, stored));
      if (same) return same.v;
      checkProducerSchema(
        versions.map(({ s }) => definition(s)),
        definition(stored),
        strategy,
      );
      h.versions.push(stored);
      return h.versions.length - 1;
    });
  }

  /**
   * A consumer subscribing with `schema` (CommandSubscribe.schema): a topic without a schema takes
   * it as its first version; otherwise it must be readable under the strategy (nothing is added).
   */
  async checkForConsumer(topic: string, schema: Schema): Promise<void> {
    const h = await this.read(topic);
    const versions = h ? live(h) : [];
    if (versions.length === 0) {
      await this.addIfNew(topic, schema);
      return;
    }
    const candidate = toStored(schema, 0);
    if (versions.some(({ s }) => sameSchema(s, candidate))) return;
    checkConsumerSchema(
      versions.map(({ s }) => definition(s)),
      definition(candidate),
      await this.strategyFor(topic),
    );
  }

  /** Would a producer be allowed to add `schema` now? (POST .../compatibility) */
  async isCompatible(
    topic: string,
    schema: Schema,
  ): Promise<{ compatible: boolean; strategy: CompatibilityStrategy; reason?: string }> {
    const strategy = await this.strategyFor(topic);
    const h = await this.read(topic);
    const candidate = toStored(schema, 0);
    const versions = h ? live(h) : [];
    if (versions.some(({ s }) => sameSchema(s, candidate))) return { compatible: true, strategy };
    try {
      checkProducerSchema(
        versions.map(({ s }) => definition(s)),
        definition(candidate),
        strategy,
      );
      return { compatible: true, strategy };
    } catch (err) {
      return { compatible: false, strategy, reason: (err as Error).message };
    }
  }

  /** Marks the schema deleted (REST DELETE): appends a deletion version and returns its number. */
  async markDeleted(topic: string, now = Date.now()): Promise<number> {
    return this.update(topic, (h) => {
      const last = h.versions[h.versions.length - 1];
      if (last?.deleted) return h.versions.length - 1;
      h.versions.push({ name: '', type: 0, data: '', properties: [], timestamp: now, deleted: true });
      return h.versions.length - 1;
    });
  }

  /** Removes every version (topic deletion, or REST DELETE with force=true). */
  async delete(topic: string): Promise<void> {
    await this.store.delete(path(topic));
  }

  private async update(topic: string, change: (h: SchemaHistory) => number): Promise<number> {
    for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
      const cur = await this.store.get(path(topic));
      const h: SchemaHistory = cur
        ? (JSON.parse(cur.value.toString('utf8')) as SchemaHistory)
        : { versions: [] };
      const before = h.versions.length;
      const version = change(h);
      if (h.versions.length === before) return version;
      try {
        await this.store.put(path(topic), Buffer.from(JSON.stringify(h)), {
          expectedVersion: cur ? cur.stat.version : -1,
        });
        return version;
      } catch (err) {
        if (!(err instanceof BadVersionError)) throw err;
      }
    }
    throw new Error(`schema update for ${topic} kept conflicting`);
  }

  private async read(topic: string): Promise<SchemaHistory | null> {
    const cur = await this.store.get(path(topic));
    return cur ? (JSON.parse(cur.value.toString('utf8')) as SchemaHistory) : null;
  }
}

/** Schema versions travel as 8-byte big-endian integers (Pulsar's LongSchemaVersion). */
export function encodeSchemaVersion(v: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(v));
  return b;
}

export function decodeSchemaVersion(b: Uint8Array | undefined): number | undefined {
  if (!b || b.length !== 8) return undefined;
  return Number(Buffer.from(b.buffer, b.byteOffset, 8).readBigInt64BE());
}

/** Partitions share their partitioned topic's schema (Pulsar's schema id is the base topic name). */
const path = (topic: string) => `/schemas/${encodeURIComponent(TopicName.parse(topic).partitionedTopicName)}`;

/** The versions after the last deletion, with their numbers. */
function live(h: SchemaHistory): { s: StoredSchema; v: number }[] {
  let from = 0;
  for (let i = h.versions.length - 1; i >= 0; i--) {
    if (h.versions[i].deleted) {
      from = i + 1;
      break;
    }
  }
  return h.versions.slice(from).map((s, i) => ({ s, v: from + i }));
}

function toStored(s: Schema, now: number): StoredSchema {
  return {
    name: s.name ?? '',
    type: s.type ?? 0,
    data: Buffer.from(s.schema_data ?? new Uint8Array()).toString('base64'),
    properties: (s.properties ?? []).map((p) => ({ key: p.key ?? '', value: p.value ?? '' })),
    timestamp: now,
  };
}

function info(s: StoredSchema, version: number): SchemaVersionInfo {
  return {
    version,
    timestamp: s.timestamp ?? 0,
    schema: {
      name: s.name,
      type: s.type,
      schema_data: Buffer.from(s.data, 'base64'),
      properties: s.properties,
    },
  };
}

function definition(s: StoredSchema): SchemaDefinition {
  return { type: s.type, data: Buffer.from(s.data, 'base64') };
}

/**
 * Equal schemas share a version: same type and same definition, where Avro-style definitions are
 * compared as JSON (whitespace does not matter), as Pulsar compares parsed Avro schemas.
 */
function sameSchema(a: StoredSchema, b: StoredSchema): boolean {
  if (a.type !== b.type) return false;
  if (a.data === b.data) return true;
  if (!isAvroBased(a.type)) return false;
  try {
    const norm = (d: string) => JSON.stringify(JSON.parse(Buffer.from(d, 'base64').toString('utf8')));
    return norm(a.data) === norm(b.data);
  } catch {
    return false;
  }
}
