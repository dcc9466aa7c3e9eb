import { InvalidConfigurationError } from '../errors.js';
import type { CompressionTypeName, ProducerConfig, ResolvedProducerConfig } from './types.js';

/** CompressionType wire values (MessageMetadata.compression). */
const COMPRESSION: Record<CompressionTypeName, number> = { None: 0, LZ4: 1, Zlib: 2, ZSTD: 3, SNAPPY: 4 };
/** ProducerAccessMode wire values (CommandProducer.producer_access_mode). */
const ACCESS_MODE = { Shared: 0, Exclusive: 1 } as const;

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new InvalidConfigurationError(`${name} must be positive`);
  return value;
}

/** Fills in the documented defaults and checks the values a user can get wrong. */
export function resolveProducerConfig<T>(cfg: ProducerConfig<T>): ResolvedProducerConfig {
  if (!cfg.topic) throw new InvalidConfigurationError('topic is required');
  const compression = COMPRESSION[cfg.compressionType ?? 'None'];
  if (compression === undefined)
    throw new InvalidConfigurationError(`unknown compressionType ${cfg.compressionType}`);
  const accessMode = ACCESS_MODE[cfg.accessMode ?? 'Shared'];
  if (accessMode === undefined) throw new InvalidConfigurationError(`unknown accessMode ${cfg.accessMode}`);
  const batchingType = cfg.batchingType ?? 'DEFAULT';
  if (batchingType !== 'DEFAULT' && batchingType !== 'KEY_BASED') {
    throw new InvalidConfigurationError(`unknown batchingType ${String(batchingType)}`);
  }
  const chunkingEnabled = cfg.chunkingEnabled ?? false;
  // Pulsar refuses batching and chunking together: a chunk must be a whole entry on its own.
  if (chunkingEnabled && cfg.batchingEnabled === true) {
    throw new InvalidConfigurationError('batching and chunking cannot be enabled together');
  }
  return {
    topic: cfg.topic,
    producerName: cfg.producerName,
    sendTimeoutMs: cfg.sendTimeoutMs ?? 30_000,
    maxPendingMessages: positive('maxPendingMessages', cfg.maxPendingMessages ?? 1000),
    blockIfQueueFull: cfg.blockIfQueueFull ?? true,
    batchingEnabled: cfg.batchingEnabled ?? !chunkingEnabled,
    batchingMaxMessages: positive('batchingMaxMessages', cfg.batchingMaxMessages ?? 1000),
    batchingMaxAllowedSizeInBytes: positive(
      'batchingMaxAllowedSizeInBytes',
      cfg.batchingMaxAllowedSizeInBytes ?? 128 * 1024,
    ),
    batchingMaxPublishDelayMs: positive('batchingMaxPublishDelayMs', cfg.batchingMaxPublishDelayMs ?? 10),
    batchingType,
    chunkingEnabled,
    initialSubscriptionName: cfg.initialSubscriptionName,
    compressionType: compression,
    accessMode,
    properties: cfg.properties ?? {},
    schema: cfg.schema?.info,
  };
}
