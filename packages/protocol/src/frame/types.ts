import type { BaseCommand } from '../schema/types-base.js';
import type { BrokerEntryMetadata, MessageMetadata } from '../schema/types-common.js';

/**
 * The part of a payload frame after the command, parsed. Every Buffer is a view of the frame,
 * which itself is a view of the socket chunk when the frame arrived in one piece: a caller that
 * keeps `headersAndPayload` long (a read cache) should copy it, or it pins the whole chunk.
 */
export interface PayloadSection {
  /**
   * Every byte after the command except a 0x0e02 broker-entry-metadata section: it starts at the
   * 0x0e01 magic when present, else at metadataSize. This is what the broker stores as the entry.
   */
  headersAndPayload: Buffer;
  brokerEntryMetadata?: BrokerEntryMetadata;
  /** The CRC32C carried on the wire; undefined when the frame had no 0x0e01 magic. */
  checksum?: number;
  /** True when there is no checksum or it matches metadataSize + metadata + payload. */
  checksumValid: boolean;
  metadataBytes: Buffer;
  metadata: MessageMetadata;
  /** The (possibly compressed, possibly batched) payload. */
  payload: Buffer;
}

export interface Frame {
  command: BaseCommand;
  payload?: PayloadSection;
  /** Bytes the frame took on the wire, including the 4-byte totalSize field. */
  frameSize: number;
}
