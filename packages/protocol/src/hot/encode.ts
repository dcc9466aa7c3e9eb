import { BASE_COMMAND_DESCRIPTOR } from '../messages.js';
import { CommandType } from '../schema/enums.js';
import type { BaseCommand } from '../schema/types-base.js';
import { varint32Size, varint64Size, writeVarint32, writeVarint64 } from '../wire/wire.js';

/**
 * The hot commands encoded by hand: SEND (client), SEND_RECEIPT (broker), MESSAGE (broker, as the
 * header before a stored entry), FLOW and ACK (client). With one message per entry each of these
 * is encoded once per message, and the generic descriptor codec (wire/codec.ts: a key walk over
 * BaseCommand's 58 fields, a sort, a lengths array) was ~10% of both processes' time
 * (BENCHMARKS.md). frame/serialize.ts asks `hotCommandSize` first and uses the generic codec
 * whenever it answers -1.
 *
 * The bytes are the generic codec's: fields in number order, a required field written (as zero)
 * even when undefined, an optional one when neither undefined nor null, repeated fields unpacked,
 * each kind through the same wire primitive (uint64 and int32 as varint64, uint32 as varint32,
 * bool as 0/1). Anything these functions do not handle sends the command to the generic codec:
 * another BaseCommand field set besides `type` and the command's own, a rarely used field
 * (MessageIdData.first_chunk_message_id, CommandAck.properties), a number field holding something
 * other than a number, a sub-command that is not an object. hot.test.ts checks the bytes against
 * the generic codec.
 *
 * All five commands sit at BaseCommand field numbers equal to their type (6, 7, 9, 10, 11), so the
 * envelope is `08 <type> <(type << 3) | 2> <length> <sub-command>`.
 */

/** Thrown inside the size functions when the generic codec must take the command. */
const FALLBACK = Symbol('fallback to the generic codec');

type Obj = Record<string, unknown>;

/** The sub-command field of each hot type; undefined for every other type. */
const HOT_FIELD: (string | undefined)[] = [];
HOT_FIELD[CommandType.SEND] = 'send';
HOT_FIELD[CommandType.SEND_RECEIPT] = 'send_receipt';
HOT_FIELD[CommandType.MESSAGE] = 'message';
HOT_FIELD[CommandType.ACK] = 'ack';
HOT_FIELD[CommandType.FLOW] = 'flow';

const BASE_FIELDS = BASE_COMMAND_DESCRIPTOR.byName;

/** What the last successful `hotCommandSize` measured, for `writeHotCommand` right after it. */
let measuredType = 0;
let measuredSub: Obj = {};
let measuredSubSize = 0;

const present = (v: unknown): boolean => v !== undefined && v !== null;

/** A number field's value: 0 for a required field left out, else it must be a number. */
function required(v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number') throw FALLBACK;
  return v;
}

function optional(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number') throw FALLBACK;
  return v;
}

/** int32 and enum values: negative ones take ten bytes (sign-extended), as the generic codec writes. */
function int32Size(v: number): number {
  return v < 0 ? 10 : varint32Size(v);
}

function objectOrFallback(v: unknown): Obj {
  if (typeof v !== 'object' || v === null) throw FALLBACK;
  return v as Obj;
}

function arrayOrFallback(v: unknown): unknown[] {
  if (!Array.isArray(v)) throw FALLBACK;
  return v;
}

// ---- MessageIdData: 1 ledgerId u64 (req.), 2 entryId u64 (req.), 3 partition i32,
//      4 batch_index i32, 5 ack_set repeated i64, 6 batch_size i32, 7 first_chunk_message_id (generic)

function messageIdSize(v: unknown): number {
  const id = objectOrFallback(v);
  if (present(id.first_chunk_message_id)) throw FALLBACK;
  let size = 2 + varint64Size(required(id.ledgerId)) + varint64Size(required(id.entryId));
  const partition = optional(id.partition);
  if (partition !== undefined) size += 1 + int32Size(partition);
  const batchIndex = optional(id.batch_index);
  if (batchIndex !== undefined) size += 1 + int32Size(batchIndex);
  if (present(id.ack_set)) size += int64ListSize(arrayOrFallback(id.ack_set));
  const batchSize = optional(id.batch_size);
  if (batchSize !== undefined) size += 1 + int32Size(batchSize);
  return size;
}

/** Repeated int64, unpacked: one tag byte and a varint per element. */
function int64ListSize(list: unknown[]): number {
  let size = 0;
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v !== 'number') throw FALLBACK;
    size += 1 + varint64Size(v);
  }
  return size;
}

function writeInt64List(list: number[], tag: number, buf: Buffer, pos: number): number {
  for (let i = 0; i < list.length; i++) {
    buf[pos++] = tag;
    pos = writeVarint64(buf, pos, list[i]);
  }
  return pos;
}

/** Writes a MessageIdData that `messageIdSize` accepted, with its tag and length. */
function writeMessageIdField(tag: number, v: unknown, buf: Buffer, pos: number): number {
  const id = v as Obj;
  buf[pos++] = tag;
  pos = writeVarint32(buf, pos, messageIdSize(id));
  buf[pos++] = 0x08;
  pos = writeVarint64(buf, pos, (id.ledgerId as number | undefined) ?? 0);
  buf[pos++] = 0x10;
  pos = writeVarint64(buf, pos, (id.entryId as number | undefined) ?? 0);
  pos = writeOptionalVarint64(0x18, id.partition, buf, pos);
  pos = writeOptionalVarint64(0x20, id.batch_index, buf, pos);
  if (present(id.ack_set)) pos = writeInt64List(id.ack_set as number[], 0x28, buf, pos);
  return writeOptionalVarint64(0x30, id.batch_size, buf, pos);
}

/** An optional uint64, int64, int32 or enum field: tag and varint64 when present. */
function writeOptionalVarint64(tag: number, v: unknown, buf: Buffer, pos: number): number {
  if (v === undefined || v === null) return pos;
  buf[pos++] = tag;
  return writeVarint64(buf, pos, v as number);
}

function writeOptionalBool(tag: number, v: unknown, buf: Buffer, pos: number): number {
  if (v === undefined || v === null) return pos;
  buf[pos] = tag;
  buf[pos + 1] = v ? 1 : 0;
  return pos + 2;
}

function optionalVarint64Size(v: unknown): number {
  const n = optional(v);
  return n === undefined ? 0 : 1 + varint64Size(n);
}

function optionalInt32Size(v: unknown): number {
  const n = optional(v);
  return n === undefined ? 0 : 1 + int32Size(n);
}

/** A message field's bytes: tag, length prefix and the message. */
function messageFieldSize(inner: number): number {
  return 1 + varint32Size(inner) + inner;
}

// ---- CommandSend: 1 producer_id u64 (req.), 2 sequence_id u64 (req.), 3 num_messages i32,
//      4 txnid_least_bits u64, 5 txnid_most_bits u64, 6 highest_sequence_id u64, 7 is_chunk bool,
//      8 marker bool, 9 message_id MessageIdData

function sendSize(s: Obj): number {
  let size = 2 + varint64Size(required(s.producer_id)) + varint64Size(required(s.sequence_id));
  size += optionalInt32Size(s.num_messages);
  size += optionalVarint64Size(s.txnid_least_bits);
  size += optionalVarint64Size(s.txnid_most_bits);
  size += optionalVarint64Size(s.highest_sequence_id);
  if (present(s.is_chunk)) size += 2;
  if (present(s.marker)) size += 2;
  if (present(s.message_id)) size += messageFieldSize(messageIdSize(s.message_id));
  return size;
}

function writeSend(s: Obj, buf: Buffer, pos: number): number {
  buf[pos++] = 0x08;
  pos = writeVarint64(buf, pos, (s.producer_id as number | undefined) ?? 0);
  buf[pos++] = 0x10;
  pos = writeVarint64(buf, pos, (s.sequence_id as number | undefined) ?? 0);
  pos = writeOptionalVarint64(0x18, s.num_messages, buf, pos);
  pos = writeOptionalVarint64(0x20, s.txnid_least_bits, buf, pos);
  pos = writeOptionalVarint64(0x28, s.txnid_most_bits, buf, pos);
  pos = writeOptionalVarint64(0x30, s.highest_sequence_id, buf, pos);
  pos = writeOptionalBool(0x38, s.is_chunk, buf, pos);
  pos = writeOptionalBool(0x40, s.marker, buf, pos);
  if (present(s.message_id)) pos = writeMessageIdField(0x4a, s.message_id, buf, pos);
  return pos;
}

// ---- CommandSendReceipt: 1 producer_id u64 (req.), 2 sequence_id u64 (req.),
//      3 message_id MessageIdData, 4 highest_sequence_id u64

function sendReceiptSize(s: Obj): number {
  let size = 2 + varint64Size(required(s.producer_id)) + varint64Size(required(s.sequence_id));
  if (present(s.message_id)) size += messageFieldSize(messageIdSize(s.message_id));
  return size + optionalVarint64Size(s.highest_sequence_id);
}

function writeSendReceipt(s: Obj, buf: Buffer, pos: number): number {
  buf[pos++] = 0x08;
  pos = writeVarint64(buf, pos, (s.producer_id as number | undefined) ?? 0);
  buf[pos++] = 0x10;
  pos = writeVarint64(buf, pos, (s.sequence_id as number | undefined) ?? 0);
  if (present(s.message_id)) pos = writeMessageIdField(0x1a, s.message_id, buf, pos);
  return writeOptionalVarint64(0x20, s.highest_sequence_id, buf, pos);
}

// ---- CommandMessage: 1 consumer_id u64 (req.), 2 message_id MessageIdData (req.),
//      3 redelivery_count u32, 4 ack_set repeated i64, 5 consumer_epoch u64

/** The generic codec writes a missing required message as an empty one. */
const EMPTY_ID: Obj = {};

function messageSize(m: Obj): number {
  let size = 1 + varint64Size(required(m.consumer_id));
  size += messageFieldSize(messageIdSize(present(m.message_id) ? m.message_id : EMPTY_ID));
  const redelivery = optional(m.redelivery_count);
  if (redelivery !== undefined) size += 1 + varint32Size(redelivery >>> 0);
  if (present(m.ack_set)) size += int64ListSize(arrayOrFallback(m.ack_set));
  return size + optionalVarint64Size(m.consumer_epoch);
}

function writeMessage(m: Obj, buf: Buffer, pos: number): number {
  buf[pos++] = 0x08;
  pos = writeVarint64(buf, pos, (m.consumer_id as number | undefined) ?? 0);
  pos = writeMessageIdField(0x12, present(m.message_id) ? m.message_id : EMPTY_ID, buf, pos);
  const redelivery = m.redelivery_count;
  if (redelivery !== undefined && redelivery !== null) {
    buf[pos++] = 0x18;
    pos = writeVarint32(buf, pos, (redelivery as number) >>> 0);
  }
  if (present(m.ack_set)) pos = writeInt64List(m.ack_set as number[], 0x20, buf, pos);
  return writeOptionalVarint64(0x28, m.consumer_epoch, buf, pos);
}

// ---- CommandFlow: 1 consumer_id u64 (req.), 2 messagePermits u32 (req.)

function flowSize(f: Obj): number {
  return 2 + varint64Size(required(f.consumer_id)) + varint32Size(required(f.messagePermits) >>> 0);
}

function writeFlow(f: Obj, buf: Buffer, pos: number): number {
  buf[pos++] = 0x08;
  pos = writeVarint64(buf, pos, (f.consumer_id as number | undefined) ?? 0);
  buf[pos++] = 0x10;
  return writeVarint32(buf, pos, ((f.messagePermits as number | undefined) ?? 0) >>> 0);
}

// ---- CommandAck: 1 consumer_id u64 (req.), 2 ack_type enum (req.), 3 message_id repeated
//      MessageIdData, 4 validation_error enum, 5 properties (generic), 6 txnid_least_bits u64,
//      7 txnid_most_bits u64, 8 request_id u64

function ackSize(a: Obj): number {
  if (present(a.properties)) throw FALLBACK;
  let size = 2 + varint64Size(required(a.consumer_id)) + int32Size(required(a.ack_type));
  if (present(a.message_id)) {
    const ids = arrayOrFallback(a.message_id);
    for (let i = 0; i < ids.length; i++) size += messageFieldSize(messageIdSize(ids[i]));
  }
  size += optionalInt32Size(a.validation_error);
  size += optionalVarint64Size(a.txnid_least_bits);
  size += optionalVarint64Size(a.txnid_most_bits);
  return size + optionalVarint64Size(a.request_id);
}

function writeAck(a: Obj, buf: Buffer, pos: number): number {
  buf[pos++] = 0x08;
  pos = writeVarint64(buf, pos, (a.consumer_id as number | undefined) ?? 0);
  buf[pos++] = 0x10;
  pos = writeVarint64(buf, pos, (a.ack_type as number | undefined) ?? 0);
  if (present(a.message_id)) {
    const ids = a.message_id as unknown[];
    for (let i = 0; i < ids.length; i++) pos = writeMessageIdField(0x1a, ids[i], buf, pos);
  }
  pos = writeOptionalVarint64(0x20, a.validation_error, buf, pos);
  pos = writeOptionalVarint64(0x30, a.txnid_least_bits, buf, pos);
  pos = writeOptionalVarint64(0x38, a.txnid_most_bits, buf, pos);
  return writeOptionalVarint64(0x40, a.request_id, buf, pos);
}

function subSize(type: number, sub: Obj): number {
  switch (type) {
    case CommandType.SEND:
      return sendSize(sub);
    case CommandType.SEND_RECEIPT:
      return sendReceiptSize(sub);
    case CommandType.MESSAGE:
      return messageSize(sub);
    case CommandType.FLOW:
      return flowSize(sub);
    default:
      return ackSize(sub);
  }
}

function writeSub(type: number, sub: Obj, buf: Buffer, pos: number): number {
  switch (type) {
    case CommandType.SEND:
      return writeSend(sub, buf, pos);
    case CommandType.SEND_RECEIPT:
      return writeSendReceipt(sub, buf, pos);
    case CommandType.MESSAGE:
      return writeMessage(sub, buf, pos);
    case CommandType.FLOW:
      return writeFlow(sub, buf, pos);
    default:
      return writeAck(sub, buf, pos);
  }
}

/** True when no BaseCommand field other than `type` and `own` is set (unknown keys do not count). */
function onlyOwnField(cmd: Obj, own: string): boolean {
  for (const key in cmd) {
    if (key === 'type' || key === own) continue;
    const v = cmd[key];
    if (v !== undefined && v !== null && BASE_FIELDS.has(key)) return false;
  }
  return true;
}

/**
 * Bytes the BaseCommand `cmd` takes when it is one of the hot commands and everything in it is
 * handled here; -1 when the generic codec must encode it. Call `writeHotCommand` right after.
 */
export function hotCommandSize(cmd: BaseCommand): number {
  const type = cmd.type;
  const field = HOT_FIELD[type];
  if (field === undefined) return -1;
  const obj = cmd as unknown as Obj;
  const sub = obj[field];
  if (typeof sub !== 'object' || sub === null || !onlyOwnField(obj, field)) return -1;
  let size: number;
  try {
    size = subSize(type, sub as Obj);
  } catch (err) {
    if (err === FALLBACK) return -1;
    throw err;
  }
  measuredType = type;
  measuredSub = sub as Obj;
  measuredSubSize = size;
  return 2 + 1 + varint32Size(size) + size;
}

/**
 * Writes the command that the last `hotCommandSize` call measured (it must have returned a size,
 * and no other hot encode may come in between) at `pos`; returns the end position.
 */
export function writeHotCommand(buf: Buffer, pos: number): number {
  const type = measuredType;
  buf[pos++] = 0x08;
  buf[pos++] = type;
  buf[pos++] = (type << 3) | 2;
  pos = writeVarint32(buf, pos, measuredSubSize);
  return writeSub(type, measuredSub, buf, pos);
}
