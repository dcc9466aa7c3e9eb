import { ProtocolError } from '../errors.js';
import type { KeyValue, SingleMessageMetadata } from '../schema/types-common.js';
import { utf8Length } from '../wire/codec.js';
import {
  Reader,
  WIRE_LENGTH_DELIMITED,
  WIRE_VARINT,
  varint32Size,
  varint64Size,
  writeVarint32,
  writeVarint64,
} from '../wire/wire.js';

/**
 * SingleMessageMetadata (PulsarApi.proto) by hand: every message of a batch carries one, so it is
 * encoded once per message sent and decoded once per message received, where the generic
 * descriptor codec (wire/codec.ts) cost ~12% of a producer's time (BENCHMARKS.md). The bytes are
 * the generic codec's, field for field (fields in number order, required payload_size always
 * written, optional ones when not undefined/null, repeated properties unpacked), and decoding
 * follows its rules (unknown fields skipped, last value wins, bytes are views); the tests check
 * both against it. messages.ts keeps the generic pair for everything else.
 *
 *   1 properties  repeated KeyValue { 1 key string; 2 value string }   7 ordering_key bytes
 *   2 partition_key string        5 event_time uint64                 8 sequence_id uint64
 *   3 payload_size int32 (req.)   6 partition_key_b64_encoded bool    9 null_value bool
 *   4 compacted_out bool                                              10 null_partition_key bool
 */

const TAG_PROPERTIES = (1 << 3) | WIRE_LENGTH_DELIMITED;
const TAG_PARTITION_KEY = (2 << 3) | WIRE_LENGTH_DELIMITED;
const TAG_PAYLOAD_SIZE = (3 << 3) | WIRE_VARINT;
const TAG_COMPACTED_OUT = (4 << 3) | WIRE_VARINT;
const TAG_EVENT_TIME = (5 << 3) | WIRE_VARINT;
const TAG_B64 = (6 << 3) | WIRE_VARINT;
const TAG_ORDERING_KEY = (7 << 3) | WIRE_LENGTH_DELIMITED;
const TAG_SEQUENCE_ID = (8 << 3) | WIRE_VARINT;
const TAG_NULL_VALUE = (9 << 3) | WIRE_VARINT;
const TAG_NULL_PARTITION_KEY = (10 << 3) | WIRE_VARINT;
const TAG_KV_KEY = (1 << 3) | WIRE_LENGTH_DELIMITED;
const TAG_KV_VALUE = (2 << 3) | WIRE_LENGTH_DELIMITED;

const present = (v: unknown): boolean => v !== undefined && v !== null;

function int32Size(v: number): number {
  return v < 0 ? 10 : varint32Size(v);
}

function stringFieldSize(s: string): number {
  const len = utf8Length(s);
  return 1 + varint32Size(len) + len;
}

function keyValueSize(kv: KeyValue): number {
  // Both fields are required: an undefined one is written as ''.
  return stringFieldSize(kv.key ?? '') + stringFieldSize(kv.value ?? '');
}

/**
 * Bytes `m` takes encoded, with `payloadSize` in place of m.payload_size (the batch writer passes
 * the payload's real length without touching the caller's object).
 */
export function singleMetadataSize(
  m: Omit<SingleMessageMetadata, 'payload_size'>,
  payloadSize: number,
): number {
  let size = 1 + int32Size(payloadSize);
  const props = m.properties;
  if (present(props)) {
    for (let i = 0; i < props!.length; i++) {
      const len = keyValueSize(props![i]);
      size += 1 + varint32Size(len) + len;
    }
  }
  if (present(m.partition_key)) size += stringFieldSize(m.partition_key!);
  if (present(m.compacted_out)) size += 2;
  if (present(m.event_time)) size += 1 + varint64Size(m.event_time!);
  if (present(m.partition_key_b64_encoded)) size += 2;
  if (present(m.ordering_key)) size += 1 + varint32Size(m.ordering_key!.length) + m.ordering_key!.length;
  if (present(m.sequence_id)) size += 1 + varint64Size(m.sequence_id!);
  if (present(m.null_value)) size += 2;
  if (present(m.null_partition_key)) size += 2;
  return size;
}

function writeString(buf: Buffer, pos: number, tag: number, s: string): number {
  const len = utf8Length(s);
  buf[pos++] = tag;
  pos = writeVarint32(buf, pos, len);
  if (len === s.length && len < 64) {
    for (let i = 0; i < len; i++) buf[pos + i] = s.charCodeAt(i);
  } else if (len > 0) {
    buf.write(s, pos, len, 'utf8');
  }
  return pos + len;
}

function writeBool(buf: Buffer, pos: number, tag: number, v: boolean): number {
  buf[pos] = tag;
  buf[pos + 1] = v ? 1 : 0;
  return pos + 2;
}

/**
 * Writes `m` (with `payloadSize` as payload_size) at `pos`, which must have
 * `singleMetadataSize(m, payloadSize)` bytes free; returns the end position.
 */
export function writeSingleMetadata(
  m: Omit<SingleMessageMetadata, 'payload_size'>,
  payloadSize: number,
  buf: Buffer,
  pos: number,
): number {
  const props = m.properties;
  if (present(props)) {
    for (let i = 0; i < props!.length; i++) {
      const kv = props![i];
      buf[pos++] = TAG_PROPERTIES;
      pos = writeVarint32(buf, pos, keyValueSize(kv));
      pos = writeString(buf, pos, TAG_KV_KEY, kv.key ?? '');
      pos = writeString(buf, pos, TAG_KV_VALUE, kv.value ?? '');
    }
  }
  if (present(m.partition_key)) pos = writeString(buf, pos, TAG_PARTITION_KEY, m.partition_key!);
  buf[pos++] = TAG_PAYLOAD_SIZE;
  pos = writeVarint64(buf, pos, payloadSize);
  if (present(m.compacted_out)) pos = writeBool(buf, pos, TAG_COMPACTED_OUT, m.compacted_out!);
  if (present(m.event_time)) {
    buf[pos++] = TAG_EVENT_TIME;
    pos = writeVarint64(buf, pos, m.event_time!);
  }
  if (present(m.partition_key_b64_encoded)) pos = writeBool(buf, pos, TAG_B64, m.partition_key_b64_encoded!);
  if (present(m.ordering_key)) {
    const key = m.ordering_key!;
    buf[pos++] = TAG_ORDERING_KEY;
    pos = writeVarint32(buf, pos, key.length);
    buf.set(key, pos);
    pos += key.length;
  }
  if (present(m.sequence_id)) {
    buf[pos++] = TAG_SEQUENCE_ID;
    pos = writeVarint64(buf, pos, m.sequence_id!);
  }
  if (present(m.null_value)) pos = writeBool(buf, pos, TAG_NULL_VALUE, m.null_value!);
  if (present(m.null_partition_key)) pos = writeBool(buf, pos, TAG_NULL_PARTITION_KEY, m.null_partition_key!);
  return pos;
}

function wrongWireType(field: string, got: number, expected: number): ProtocolError {
  return new ProtocolError('MALFORMED_PROTOBUF', `${field}: wire type ${got}, expected ${expected}`);
}

function readString(r: Reader): string {
  const end = r.delimitedEnd();
  const s = r.buf.toString('utf8', r.pos, end);
  r.pos = end;
  return s;
}

function readKeyValue(r: Reader): KeyValue {
  const end = r.delimitedEnd();
  const outerEnd = r.end;
  r.end = end;
  const kv = {} as KeyValue;
  while (r.pos < end) {
    const tag = r.varint32();
    const no = tag >>> 3;
    const wireType = tag & 7;
    if (no === 0) throw new ProtocolError('MALFORMED_PROTOBUF', 'KeyValue: field number 0');
    if (no === 1 || no === 2) {
      if (wireType !== WIRE_LENGTH_DELIMITED)
        throw wrongWireType(no === 1 ? 'KeyValue.key' : 'KeyValue.value', wireType, 2);
      if (no === 1) kv.key = readString(r);
      else kv.value = readString(r);
    } else {
      r.skip(wireType);
    }
  }
  r.end = outerEnd;
  return kv;
}

/**
 * Decodes `buf[start, end)`. Like the generic decoder it fills only what is on the wire (a missing
 * payload_size stays undefined, for the batch parser to refuse) and throws
 * ProtocolError('MALFORMED_PROTOBUF') on bad bytes; ordering_key is a view into `buf`.
 */
export function readSingleMetadata(buf: Buffer, start: number, end: number): SingleMessageMetadata {
  const r = new Reader(buf, start, end);
  const out = {} as SingleMessageMetadata;
  while (r.pos < r.end) {
    const tag = r.varint32();
    const no = tag >>> 3;
    const wireType = tag & 7;
    switch (no) {
      case 0:
        throw new ProtocolError('MALFORMED_PROTOBUF', 'SingleMessageMetadata: field number 0');
      case 1: {
        if (wireType !== WIRE_LENGTH_DELIMITED)
          throw wrongWireType('SingleMessageMetadata.properties', wireType, 2);
        const kv = readKeyValue(r);
        if (out.properties === undefined) out.properties = [kv];
        else out.properties.push(kv);
        break;
      }
      case 2:
        if (wireType !== WIRE_LENGTH_DELIMITED)
          throw wrongWireType('SingleMessageMetadata.partition_key', wireType, 2);
        out.partition_key = readString(r);
        break;
      case 7: {
        if (wireType !== WIRE_LENGTH_DELIMITED)
          throw wrongWireType('SingleMessageMetadata.ordering_key', wireType, 2);
        const e = r.delimitedEnd();
        out.ordering_key = r.buf.subarray(r.pos, e);
        r.pos = e;
        break;
      }
      case 3:
      case 4:
      case 5:
      case 6:
      case 8:
      case 9:
      case 10:
        if (wireType !== WIRE_VARINT)
          throw wrongWireType(`SingleMessageMetadata.${VARINT_FIELDS[no]}`, wireType, 0);
        readVarintField(r, no, out);
        break;
      default:
        r.skip(wireType);
    }
  }
  return out;
}

const VARINT_FIELDS: Record<number, string> = {
  3: 'payload_size',
  4: 'compacted_out',
  5: 'event_time',
  6: 'partition_key_b64_encoded',
  8: 'sequence_id',
  9: 'null_value',
  10: 'null_partition_key',
};

function readVarintField(r: Reader, no: number, out: SingleMessageMetadata): void {
  switch (no) {
    case 3:
      out.payload_size = r.varint32() | 0;
      return;
    case 5:
      out.event_time = r.varint64();
      return;
    case 8:
      out.sequence_id = r.varint64();
      return;
    default: {
      const v = r.varint64() !== 0;
      if (no === 4) out.compacted_out = v;
      else if (no === 6) out.partition_key_b64_encoded = v;
      else if (no === 9) out.null_value = v;
      else out.null_partition_key = v;
    }
  }
}
