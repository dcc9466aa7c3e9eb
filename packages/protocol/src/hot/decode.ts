import { CommandType } from '../schema/enums.js';
import type { BaseCommand } from '../schema/types-base.js';
import { Reader } from '../wire/wire.js';

/**
 * The hot commands decoded by hand: SEND, FLOW and ACK (on the broker), SEND_RECEIPT and MESSAGE
 * (on the client), each once per message without batching. frame/decoder.ts asks
 * `decodeHotCommand` first and decodes with the generic codec whenever it answers undefined.
 *
 * The result is the generic decoder's, key for key and in the same order: fields as they appear on
 * the wire, the last value of a repeated scalar field winning, uint64 read as a signed 64-bit
 * number, int32 and enums as `varint32 | 0`, uint32 unsigned, bools as `varint != 0`. Anything
 * else goes to the generic decoder, which then decodes it or refuses it with its own error: a type
 * outside these five, a BaseCommand with fields besides `type` and the command's own (or in another
 * order), a field number or wire type not handled here (unknown fields, packed `ack_set`,
 * CommandAck.properties), and any malformed byte (hot.test.ts checks both on valid, truncated and
 * random input).
 */

/** Thrown while decoding when the generic decoder must take the frame. */
const FALLBACK = Symbol('fallback to the generic decoder');

type Obj = Record<string, unknown>;

const SEND_FIELD = (CommandType.SEND << 3) | 2;
const SEND_RECEIPT_FIELD = (CommandType.SEND_RECEIPT << 3) | 2;
const MESSAGE_FIELD = (CommandType.MESSAGE << 3) | 2;
const ACK_FIELD = (CommandType.ACK << 3) | 2;
const FLOW_FIELD = (CommandType.FLOW << 3) | 2;

/** Runs `read` over the length-delimited field at `r.pos`, with `r.end` narrowed to it. */
function nested<T>(r: Reader, read: (r: Reader) => T): T {
  const end = r.delimitedEnd();
  const outerEnd = r.end;
  r.end = end;
  const v = read(r);
  r.end = outerEnd;
  return v;
}

/** MessageIdData; first_chunk_message_id (7) nests another. Packed ack_set goes to the generic decoder. */
function readMessageId(r: Reader): Obj {
  const out: Obj = {};
  while (r.pos < r.end) {
    switch (r.varint32()) {
      case 0x08:
        out.ledgerId = r.varint64();
        break;
      case 0x10:
        out.entryId = r.varint64();
        break;
      case 0x18:
        out.partition = r.varint32() | 0;
        break;
      case 0x20:
        out.batch_index = r.varint32() | 0;
        break;
      case 0x28:
        pushTo(out, 'ack_set', r.varint64());
        break;
      case 0x30:
        out.batch_size = r.varint32() | 0;
        break;
      case 0x3a:
        out.first_chunk_message_id = nested(r, readMessageId);
        break;
      default:
        throw FALLBACK;
    }
  }
  return out;
}

function pushTo(out: Obj, name: string, v: unknown): void {
  const list = out[name] as unknown[] | undefined;
  if (list === undefined) out[name] = [v];
  else list.push(v);
}

function readSend(r: Reader): Obj {
  const out: Obj = {};
  while (r.pos < r.end) {
    switch (r.varint32()) {
      case 0x08:
        out.producer_id = r.varint64();
        break;
      case 0x10:
        out.sequence_id = r.varint64();
        break;
      case 0x18:
        out.num_messages = r.varint32() | 0;
        break;
      case 0x20:
        out.txnid_least_bits = r.varint64();
        break;
      case 0x28:
        out.txnid_most_bits = r.varint64();
        break;
      case 0x30:
        out.highest_sequence_id = r.varint64();
        break;
      case 0x38:
        out.is_chunk = r.varint64() !== 0;
        break;
      case 0x40:
        out.marker = r.varint64() !== 0;
        break;
      case 0x4a:
        out.message_id = nested(r, readMessageId);
        break;
      default:
        throw FALLBACK;
    }
  }
  return out;
}

function readSendReceipt(r: Reader): Obj {
  const out: Obj = {};
  while (r.pos < r.end) {
    switch (r.varint32()) {
      case 0x08:
        out.producer_id = r.varint64();
        break;
      case 0x10:
        out.sequence_id = r.varint64();
        break;
      case 0x1a:
        out.message_id = nested(r, readMessageId);
        break;
      case 0x20:
        out.highest_sequence_id = r.varint64();
        break;
      default:
        throw FALLBACK;
    }
  }
  return out;
}

function readMessage(r: Reader): Obj {
  const out: Obj = {};
  while (r.pos < r.end) {
    switch (r.varint32()) {
      case 0x08:
        out.consumer_id = r.varint64();
        break;
      case 0x12:
        out.message_id = nested(r, readMessageId);
        break;
      case 0x18:
        out.redelivery_count = r.varint32();
        break;
      case 0x20:
        pushTo(out, 'ack_set', r.varint64());
        break;
      case 0x28:
        out.consumer_epoch = r.varint64();
        break;
      default:
        throw FALLBACK;
    }
  }
  return out;
}

function readFlow(r: Reader): Obj {
  const out: Obj = {};
  while (r.pos < r.end) {
    switch (r.varint32()) {
      case 0x08:
        out.consumer_id = r.varint64();
        break;
      case 0x10:
        out.messagePermits = r.varint32();
        break;
      default:
        throw FALLBACK;
    }
  }
  return out;
}

function readAck(r: Reader): Obj {
  const out: Obj = {};
  while (r.pos < r.end) {
    switch (r.varint32()) {
      case 0x08:
        out.consumer_id = r.varint64();
        break;
      case 0x10:
        out.ack_type = r.varint32() | 0;
        break;
      case 0x1a:
        pushTo(out, 'message_id', nested(r, readMessageId));
        break;
      case 0x20:
        out.validation_error = r.varint32() | 0;
        break;
      case 0x30:
        out.txnid_least_bits = r.varint64();
        break;
      case 0x38:
        out.txnid_most_bits = r.varint64();
        break;
      case 0x40:
        out.request_id = r.varint64();
        break;
      default:
        throw FALLBACK;
    }
  }
  return out;
}

/**
 * Decodes the BaseCommand in `buf[start, end)` when it is `type` followed by one hot sub-command
 * and nothing else; undefined otherwise (or on any malformed byte), for the generic decoder.
 */
export function decodeHotCommand(buf: Buffer, start: number, end: number): BaseCommand | undefined {
  // 08 <type> <field tag>: the type in one byte, then the field named after it.
  if (end - start < 4 || buf[start] !== 0x08) return undefined;
  const type = buf[start + 1];
  const field = buf[start + 2];
  const r = new Reader(buf, start + 3, end);
  try {
    let out: Obj;
    switch (field) {
      case SEND_FIELD:
        if (type !== CommandType.SEND) return undefined;
        out = { type, send: nested(r, readSend) };
        break;
      case SEND_RECEIPT_FIELD:
        if (type !== CommandType.SEND_RECEIPT) return undefined;
        out = { type, send_receipt: nested(r, readSendReceipt) };
        break;
      case MESSAGE_FIELD:
        if (type !== CommandType.MESSAGE) return undefined;
        out = { type, message: nested(r, readMessage) };
        break;
      case ACK_FIELD:
        if (type !== CommandType.ACK) return undefined;
        out = { type, ack: nested(r, readAck) };
        break;
      case FLOW_FIELD:
        if (type !== CommandType.FLOW) return undefined;
        out = { type, flow: nested(r, readFlow) };
        break;
      default:
        return undefined;
    }
    // A field after the sub-command (a second type, another command, an unknown one) is the
    // generic decoder's to read.
    return r.pos === end ? (out as unknown as BaseCommand) : undefined;
  } catch {
    // FALLBACK, or a malformed varint or length: the generic decoder reads the command again and
    // decodes what it handles or reports the damage in its own words.
    return undefined;
  }
}
