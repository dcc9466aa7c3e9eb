/**
 * The journal's record format. Every segment file is a sequence of records:
 *
 *   [u32 bodyLength][u32 crc32c(body)] body = [u32 type][u64 ledgerId][u64 entryId][data]
 *
 * little-endian. The CRC covers everything after itself, so a torn write (short body) or a bit
 * flip is detected on recovery and on every read. Ledger lifecycle events (create, close, delete)
 * are records too, so they ride the same group commit as entries.
 */
import { crc32c } from '@node-rs/crc32';

export const RECORD_PREFIX_BYTES = 8;
export const RECORD_HEADER_BYTES = 28;
const BODY_HEADER_BYTES = RECORD_HEADER_BYTES - RECORD_PREFIX_BYTES;
const TWO_32 = 2 ** 32;

/** An entry of a ledger; entryId is its id. */
export const RECORD_ENTRY = 1;
/** A ledger was created. */
export const RECORD_CREATE = 2;
/** A ledger was sealed; entryId holds its entry count (lastEntryId + 1). */
export const RECORD_CLOSE = 3;
/** A ledger was deleted. */
export const RECORD_DELETE = 4;

export type RecordType =
  typeof RECORD_ENTRY | typeof RECORD_CREATE | typeof RECORD_CLOSE | typeof RECORD_DELETE;

export function isRecordType(t: number): t is RecordType {
  return t >= RECORD_ENTRY && t <= RECORD_DELETE;
}

export function writeU64(buf: Buffer, at: number, v: number): void {
  buf.writeUInt32LE(v >>> 0, at);
  buf.writeUInt32LE(Math.floor(v / TWO_32), at + 4);
}

export function readU64(buf: Buffer, at: number): number {
  return buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * TWO_32;
}

/**
 * Encodes only the RECORD_HEADER_BYTES header of a record whose data stays where it is (the
 * journal writes it with writev right after the header); the CRC still covers the data.
 */
export function writeRecordHeader(
  buf: Buffer,
  at: number,
  type: RecordType,
  ledgerId: number,
  entryId: number,
  data: Buffer,
): void {
  buf.writeUInt32LE(BODY_HEADER_BYTES + data.length, at);
  buf.writeUInt32LE(type, at + 8);
  writeU64(buf, at + 12, ledgerId);
  writeU64(buf, at + 20, entryId);
  // crc32c(a ++ b) = crc32c(b, crc32c(a)): the body is checksummed in two pieces, not joined.
  const headerCrc = crc32c(buf.subarray(at + RECORD_PREFIX_BYTES, at + RECORD_HEADER_BYTES));
  buf.writeUInt32LE(crc32c(data, headerCrc), at + 4);
}

/** Encodes one record at `at` (the caller has reserved RECORD_HEADER_BYTES + data.length); returns its end. */
export function writeRecord(
  buf: Buffer,
  at: number,
  type: RecordType,
  ledgerId: number,
  entryId: number,
  data: Uint8Array | null,
): number {
  const dataLength = data === null ? 0 : data.length;
  buf.writeUInt32LE(BODY_HEADER_BYTES + dataLength, at);
  buf.writeUInt32LE(type, at + 8);
  writeU64(buf, at + 12, ledgerId);
  writeU64(buf, at + 20, entryId);
  if (data !== null) buf.set(data, at + RECORD_HEADER_BYTES);
  const end = at + RECORD_HEADER_BYTES + dataLength;
  buf.writeUInt32LE(crc32c(buf.subarray(at + RECORD_PREFIX_BYTES, end)), at + 4);
  return end;
}

/** A decoded record header. Reused by scanners: do not keep it after the callback returns. */
export interface RecordView {
  type: RecordType;
  ledgerId: number;
  entryId: number;
  /** Offset of the record's first byte in the buffer it was parsed from. */
  start: number;
  dataLength: number;
}

export type ParseStatus =
  /** `out` holds a valid record. */
  | 'ok'
  /** The buffer ends before the record does (need more bytes, or a torn tail at end of file). */
  | 'short'
  /** The length field is impossible, the CRC does not match or the type is unknown. */
  | 'corrupt';

/** Parses and verifies the record at `at`, filling `out`. */
export function parseRecord(buf: Buffer, at: number, out: RecordView): ParseStatus {
  if (buf.length - at < RECORD_PREFIX_BYTES) return 'short';
  const bodyLength = buf.readUInt32LE(at);
  if (bodyLength < BODY_HEADER_BYTES) return 'corrupt';
  const end = at + RECORD_PREFIX_BYTES + bodyLength;
  if (end > buf.length) return 'short';
  if (crc32c(buf.subarray(at + RECORD_PREFIX_BYTES, end)) !== buf.readUInt32LE(at + 4)) return 'corrupt';
  const type = buf.readUInt32LE(at + 8);
  if (!isRecordType(type)) return 'corrupt';
  out.type = type;
  out.ledgerId = readU64(buf, at + 12);
  out.entryId = readU64(buf, at + 20);
  out.start = at;
  out.dataLength = bodyLength - BODY_HEADER_BYTES;
  return 'ok';
}

/** Full size on disk of a record whose body claims `bodyLength`, read from the first 4 bytes. */
export function recordSizeAt(buf: Buffer, at: number): number {
  return RECORD_PREFIX_BYTES + buf.readUInt32LE(at);
}

export function newRecordView(): RecordView {
  return { type: RECORD_ENTRY, ledgerId: 0, entryId: 0, start: 0, dataLength: 0 };
}
