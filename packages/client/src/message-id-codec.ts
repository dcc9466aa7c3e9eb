import { PulsarClientError } from './errors.js';

/**
 * A minimal protobuf codec for `MessageIdData` (ledgerId=1, entryId=2, partition=3, batch_index=4,
 * batch_size=6, first_chunk_message_id=7), the compact form `MessageId.serialize()` produces, as Pulsar's clients do. Kept
 * here rather than in the frame codec because ids are serialized by applications, not on the wire
 * path, so BigInt arithmetic is acceptable.
 */
export interface MessageIdFields {
  ledgerId: number;
  entryId: number;
  partition: number;
  batchIndex: number;
  batchSize: number;
  /** Set for the id of a chunked message: where its first chunk is (MessageIdData field 7). */
  firstChunk?: MessageIdFields;
}

const U64 = (1n << 64n) - 1n;

function writeVarint(out: number[], value: bigint): void {
  let v = value & U64;
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
}

/** Encodes a JS number as a two's-complement 64-bit value; ±2^63 and beyond saturate. */
function toUint64(n: number): bigint {
  if (n >= 2 ** 63) return (1n << 63n) - 1n;
  return BigInt(Math.trunc(n)) & U64;
}

function toSigned64(v: bigint): number {
  const signed = v >= 1n << 63n ? v - (1n << 64n) : v;
  return Number(signed);
}

export function encodeMessageIdData(id: MessageIdFields): Buffer {
  const out: number[] = [];
  out.push(0x08);
  writeVarint(out, toUint64(id.ledgerId));
  out.push(0x10);
  writeVarint(out, toUint64(id.entryId));
  if (id.partition !== -1) {
    out.push(0x18);
    writeVarint(out, toUint64(id.partition));
  }
  if (id.batchIndex !== -1) {
    out.push(0x20);
    writeVarint(out, toUint64(id.batchIndex));
  }
  if (id.batchSize > 0) {
    out.push(0x30);
    writeVarint(out, toUint64(id.batchSize));
  }
  if (id.firstChunk) {
    const nested = encodeMessageIdData(id.firstChunk);
    out.push(0x3a);
    writeVarint(out, BigInt(nested.length));
    for (const b of nested) out.push(b);
  }
  return Buffer.from(out);
}

function readVarint(buf: Uint8Array, pos: { at: number }): bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos.at >= buf.length || shift > 63n) throw invalid('truncated varint');
    const b = buf[pos.at++];
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return result;
    shift += 7n;
  }
}

function invalid(why: string): PulsarClientError {
  return new PulsarClientError('PROTOCOL_ERROR', `invalid serialized message id: ${why}`);
}

function skipField(buf: Uint8Array, wireType: number, pos: { at: number }): void {
  if (wireType === 0) readVarint(buf, pos);
  else if (wireType === 1) pos.at += 8;
  else if (wireType === 2) pos.at += Number(readVarint(buf, pos));
  else if (wireType === 5) pos.at += 4;
  else throw invalid(`wire type ${wireType}`);
  if (pos.at > buf.length) throw invalid('truncated field');
}

export function decodeMessageIdData(buf: Uint8Array): MessageIdFields {
  const id: MessageIdFields = { ledgerId: NaN, entryId: NaN, partition: -1, batchIndex: -1, batchSize: 0 };
  const pos = { at: 0 };
  while (pos.at < buf.length) {
    const tag = Number(readVarint(buf, pos));
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (field === 7 && wireType === 2) {
      const len = Number(readVarint(buf, pos));
      if (pos.at + len > buf.length) throw invalid('truncated first chunk id');
      id.firstChunk = decodeMessageIdData(buf.subarray(pos.at, pos.at + len));
      pos.at += len;
      continue;
    }
    if (wireType !== 0 || field < 1 || field > 6 || field === 5) {
      skipField(buf, wireType, pos);
      continue;
    }
    const value = toSigned64(readVarint(buf, pos));
    if (field === 1) id.ledgerId = value;
    else if (field === 2) id.entryId = value;
    else if (field === 3) id.partition = Number(BigInt.asIntN(32, BigInt(value)));
    else if (field === 4) id.batchIndex = Number(BigInt.asIntN(32, BigInt(value)));
    else id.batchSize = value;
  }
  if (Number.isNaN(id.ledgerId) || Number.isNaN(id.entryId)) throw invalid('missing ledgerId or entryId');
  return id;
}
