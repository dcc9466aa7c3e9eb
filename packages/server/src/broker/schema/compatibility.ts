/**
 * Schema compatibility under a namespace's strategy (Pulsar's SchemaCompatibilityStrategy and
 * SchemaRegistryServiceImpl): which schema a producer may add next, and which schema a consumer may
 * read with. AVRO, JSON and PROTOBUF definitions are compared with Avro's resolution rules; every
 * other type only by type, as Pulsar's default check does.
 *
 * BACKWARD: the new schema can read data written with the existing one(s).
 * FORWARD: the existing schema(s) can read data written with the new one.
 * FULL: both. The _TRANSITIVE forms compare against every version since the last deletion; the
 * plain forms against the latest only.
 */
import { ServerError } from '@magnetar/protocol';
import type { SchemaCompatibilityStrategy } from '../../resources/policies/types.js';
import { BrokerError } from '../errors.js';
import { parseAvroSchema, readIncompatibility } from './avro-resolution.js';
import { isAvroBased, schemaTypeName } from './schema-types.js';

export type CompatibilityStrategy = Exclude<SchemaCompatibilityStrategy, 'UNDEFINED'>;

/** What the checks look at: the type and the schema definition bytes. */
export interface SchemaDefinition {
  readonly type: number;
  readonly data: Buffer;
}

export class IncompatibleSchemaError extends BrokerError {
  constructor(message: string) {
    super(ServerError.IncompatibleSchema, message);
    this.name = 'IncompatibleSchemaError';
  }
}

export function isTransitive(s: CompatibilityStrategy): boolean {
  return s === 'BACKWARD_TRANSITIVE' || s === 'FORWARD_TRANSITIVE' || s === 'FULL_TRANSITIVE';
}

/**
 * Throws IncompatibleSchemaError unless a producer may register `candidate` after `history` (the
 * versions since the last deletion, oldest first). An empty history accepts anything.
 */
export function checkProducerSchema(
  history: readonly SchemaDefinition[],
  candidate: SchemaDefinition,
  strategy: CompatibilityStrategy,
): void {
  if (history.length === 0) return;
  checkAgainst(isTransitive(strategy) ? history : history.slice(-1), candidate, strategy);
}

/**
 * Throws IncompatibleSchemaError unless a consumer may read the topic with `candidate`. As in
 * Pulsar, a consumer must be able to read the latest schema (BACKWARD) under BACKWARD, FORWARD,
 * FORWARD_TRANSITIVE and FULL, and every version under the other transitive strategies.
 */
export function checkConsumerSchema(
  history: readonly SchemaDefinition[],
  candidate: SchemaDefinition,
  strategy: CompatibilityStrategy,
): void {
  if (strategy === 'ALWAYS_COMPATIBLE' || history.length === 0) return;
  const latestOnly =
    strategy === 'BACKWARD' ||
    strategy === 'FORWARD' ||
    strategy === 'FORWARD_TRANSITIVE' ||
    strategy === 'FULL';
  if (latestOnly) checkAgainst(history.slice(-1), candidate, 'BACKWARD');
  else checkAgainst(history, candidate, strategy);
}

function checkAgainst(
  existing: readonly SchemaDefinition[],
  candidate: SchemaDefinition,
  strategy: CompatibilityStrategy,
): void {
  if (strategy === 'ALWAYS_COMPATIBLE') return;
  for (const e of existing) {
    if (e.type !== candidate.type) {
      throw new IncompatibleSchemaError(
        `Incompatible schema: exists schema type ${schemaTypeName(e.type)}, new schema type ${schemaTypeName(candidate.type)}`,
      );
    }
  }
  // Versions identical to the candidate need no check (Pulsar compares hashes first).
  const differing = existing.filter((e) => !e.data.equals(candidate.data));
  if (differing.length === 0) return;
  if (strategy === 'ALWAYS_INCOMPATIBLE') {
    throw new IncompatibleSchemaError('Schema compatibility strategy is ALWAYS_INCOMPATIBLE');
  }
  if (isAvroBased(candidate.type)) checkAvro(differing, candidate, strategy);
}

function checkAvro(
  existing: readonly SchemaDefinition[],
  candidate: SchemaDefinition,
  strategy: CompatibilityStrategy,
): void {
  const parse = (d: SchemaDefinition) => {
    try {
      return parseAvroSchema(d.data.toString('utf8'));
    } catch (err) {
      throw new IncompatibleSchemaError(`Invalid schema definition: ${(err as Error).message}`);
    }
  };
  const next = parse(candidate);
  const backward = strategy.startsWith('BACKWARD') || strategy.startsWith('FULL');
  const forward = strategy.startsWith('FORWARD') || strategy.startsWith('FULL');
  for (const e of existing) {
    const old = parse(e);
    const why = (backward && readIncompatibility(next, old)) || (forward && readIncompatibility(old, next));
    if (why) throw new IncompatibleSchemaError(`Incompatible schema (${strategy}): ${why}`);
  }
}
