import type { Schema } from '@magnetar/protocol';
import type { MetadataStore } from '../../metadata/types.js';
import { BadVersionError } from '../../metadata/types.js';

interface StoredSchema {
  name: string;
  type: number;
  data: string; // base64
  properties: { key: string; value: string }[];
}

interface SchemaHistory {
  versions: StoredSchema[];
}

/** Most compare-and-set retries before giving up on a contended schema update. */
const MAX_CAS_RETRIES = 10;

/**
 * Per-topic schemas, versioned from 0, kept in the metadata store. This version stores and
 * returns schemas of any type unchanged (BYTES, STRING, JSON, AVRO, ...): a schema that differs
 * from the latest one becomes a new version. Compatibility checks come with the schema-registry work.
 */
export class SchemaRegistry {
  constructor(private readonly store: MetadataStore) {}

  /** The schema at `version`, or the latest when omitted; null when the topic has none. */
  async get(topic: string, version?: number): Promise<{ schema: Schema; version: number } | null> {
    const h = await this.read(topic);
    if (!h || h.versions.length === 0) return null;
    const v = version ?? h.versions.length - 1;
    const s = h.versions[v];
    return s ? { schema: fromStored(s), version: v } : null;
  }

  /** Registers `schema` unless the latest version equals it; returns its version. */
  async addIfNew(topic: string, schema: Schema): Promise<number> {
    const stored = toStored(schema);
    for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
      const cur = await this.store.get(path(topic));
      const h: SchemaHistory = cur
        ? (JSON.parse(cur.value.toString('utf8')) as SchemaHistory)
        : { versions: [] };
      const idx = h.versions.findIndex((v) => sameSchema(v, stored));
      if (idx >= 0) return idx;
      h.versions.push(stored);
      try {
        await this.store.put(path(topic), Buffer.from(JSON.stringify(h)), {
          expectedVersion: cur ? cur.stat.version : -1,
        });
        return h.versions.length - 1;
      } catch (err) {
        if (!(err instanceof BadVersionError)) throw err;
      }
    }
    throw new Error(`schema update for ${topic} kept conflicting`);
  }

  async delete(topic: string): Promise<void> {
    await this.store.delete(path(topic));
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

const path = (topic: string) => `/schemas/${encodeURIComponent(topic)}`;

function toStored(s: Schema): StoredSchema {
  return {
    name: s.name ?? '',
    type: s.type ?? 0,
    data: Buffer.from(s.schema_data ?? new Uint8Array()).toString('base64'),
    properties: (s.properties ?? []).map((p) => ({ key: p.key ?? '', value: p.value ?? '' })),
  };
}

function fromStored(s: StoredSchema): Schema {
  return { name: s.name, type: s.type, schema_data: Buffer.from(s.data, 'base64'), properties: s.properties };
}

function sameSchema(a: StoredSchema, b: StoredSchema): boolean {
  return (
    a.type === b.type && a.data === b.data && JSON.stringify(a.properties) === JSON.stringify(b.properties)
  );
}
