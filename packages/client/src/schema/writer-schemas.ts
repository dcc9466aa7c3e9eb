import type { ClientContext } from '../client-context.js';
import { CommandType } from '../connection/wire.js';
import { ServerErrorException } from '../errors.js';
import type { Schema, SchemaInfo } from './schema.js';

type Decoder = (data: Buffer) => unknown;

/** Writer schemas fetched at most, per consumer; versions are few, so this is never reached in practice. */
const MAX_CACHED_VERSIONS = 100;

/**
 * Finds how to decode a message written with another version of the consumer's schema, as the
 * Java client's schema info provider does: GET_SCHEMA for the message's schema_version (once per
 * topic and version), then Avro schema resolution from that writer schema to the consumer's own.
 * A writer definition identical to the consumer's needs no resolution.
 */
export class WriterSchemas {
  private readonly cache = new Map<string, Promise<Decoder | undefined>>();

  constructor(
    private readonly ctx: ClientContext,
    private readonly schema: Schema<unknown>,
  ) {}

  /** The decoder for `version` on `topic`; undefined means the consumer's own decoder applies. */
  decoderFor(topic: string, version: Buffer): Promise<Decoder | undefined> {
    // Partitions share their partitioned topic's schema versions.
    const base = topic.replace(/-partition-\d+$/, '');
    const key = `${base}@${version.toString('hex')}`;
    let found = this.cache.get(key);
    if (!found) {
      if (this.cache.size >= MAX_CACHED_VERSIONS) this.cache.clear();
      found = this.fetch(base, version).then((writer) => this.decoderOf(writer));
      // A failed fetch is not remembered, so the next message of that version asks again.
      found.catch(() => this.cache.delete(key));
      this.cache.set(key, found);
    }
    return found;
  }

  private decoderOf(writer: SchemaInfo): Decoder | undefined {
    const own = this.schema.info;
    if (!this.schema.readerFor || !own || writer.type !== own.type) return undefined;
    if (writer.definition.equals(own.definition)) return undefined;
    return this.schema.readerFor(writer);
  }

  // CommandGetSchema.schema_version → CommandGetSchemaResponse.schema
  private async fetch(topic: string, version: Buffer): Promise<SchemaInfo> {
    const conn = await this.ctx.lookup.connectionFor(topic);
    const requestId = conn.newRequestId();
    const res = await conn.request(
      { type: CommandType.GET_SCHEMA, getSchema: { request_id: requestId, topic, schema_version: version } },
      requestId,
    );
    const r = (res.getSchemaResponse ?? {}) as Record<string, unknown>;
    const s = r.schema as { type?: number; schema_data?: Uint8Array; name?: string } | undefined;
    if (r.error_code !== undefined || !s) {
      throw new ServerErrorException(Number(r.error_code ?? 0), String(r.error_message ?? 'no schema'));
    }
    return {
      name: s.name ?? '',
      type: Number(s.type ?? 0),
      definition: Buffer.from(s.schema_data ?? new Uint8Array()),
      properties: {},
    };
  }
}
