import { crc32c } from '../checksum.js';
import { MAGIC_BROKER_ENTRY_METADATA, MAGIC_CRC32C } from './constants.js';
import { ProtocolError } from '../errors.js';
import { decodeBrokerEntryMetadata, decodeMessageMetadata } from '../messages.js';
import type { PayloadSection } from './types.js';

function truncated(what: string): ProtocolError {
  return new ProtocolError('MALFORMED_FRAME', `payload section truncated in ${what}`);
}

/**
 * Parses [0x0e02 size BrokerEntryMetadata]? [0x0e01 CRC32C]? [metadataSize][metadata][payload]
 * from `buf[start, end)`, the order the C++ client reads it in (ClientConnection.cc). A checksum
 * mismatch is reported in `checksumValid`, not thrown: the broker answers it with SEND_ERROR
 * ChecksumError and keeps the connection.
 */
export function parsePayloadSection(buf: Buffer, start: number, end: number): PayloadSection {
  let pos = start;
  let brokerEntryMetadata;
  if (end - pos >= 2 && buf.readUInt16BE(pos) === MAGIC_BROKER_ENTRY_METADATA) {
    if (end - pos < 6) throw truncated('broker entry metadata size');
    const size = buf.readUInt32BE(pos + 2);
    if (size > end - pos - 6) throw truncated('broker entry metadata');
    brokerEntryMetadata = decodeBrokerEntryMetadata(buf, pos + 6, pos + 6 + size);
    pos += 6 + size;
  }
  const headersAndPayload = buf.subarray(pos, end);
  let checksum: number | undefined;
  let checksumValid = true;
  if (end - pos >= 2 && buf.readUInt16BE(pos) === MAGIC_CRC32C) {
    if (end - pos < 6) throw truncated('checksum');
    checksum = buf.readUInt32BE(pos + 2);
    pos += 6;
    checksumValid = crc32c(buf.subarray(pos, end)) === checksum;
  }
  if (end - pos < 4) throw truncated('metadata size');
  const metadataSize = buf.readUInt32BE(pos);
  pos += 4;
  if (metadataSize > end - pos) throw truncated('metadata');
  const metadataBytes = buf.subarray(pos, pos + metadataSize);
  const metadata = decodeMessageMetadata(buf, pos, pos + metadataSize);
  pos += metadataSize;
  const section: PayloadSection = {
    headersAndPayload,
    checksum,
    checksumValid,
    metadataBytes,
    metadata,
    payload: buf.subarray(pos, end),
  };
  if (brokerEntryMetadata !== undefined) section.brokerEntryMetadata = brokerEntryMetadata;
  return section;
}

/** Parses a stored entry: the `headersAndPayload` bytes of a SEND as the broker keeps them. */
export function parseEntry(headersAndPayload: Buffer): PayloadSection {
  return parsePayloadSection(headersAndPayload, 0, headersAndPayload.length);
}
