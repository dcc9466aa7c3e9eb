import { ProtocolError } from '../errors.js';
import { K } from './descriptor.js';
import type { FieldDescriptor, MessageDescriptor } from './descriptor.js';
import {
  Reader,
  WIRE_LENGTH_DELIMITED,
  varint32Size,
  varint64Size,
  writeFixed64,
  writeVarint32,
  writeVarint64,
  zigzagDecode32,
  zigzagDecode64,
  zigzagEncode32,
  zigzagEncode64,
} from './wire.js';

/**
 * The generic proto2 codec driven by descriptors.
 *
 * Encoding is two passes over the object: `sizeOf` computes the total size and records the
 * length of every string and nested message in `lengths` (in the order the writer will need
 * them), then `writeMessage` fills one preallocated buffer. No intermediate buffer per field.
 *
 * proto2 rules: a required field is always written (its zero value if the caller left it
 * undefined); an optional field only when it is not undefined; repeated fields unpacked.
 * Decoding fills only what is on the wire: no defaults, a missing required field stays undefined,
 * unknown fields are skipped, strings are UTF-8, bytes are views into the input.
 */

type Obj = Record<string, unknown>;

/** Lengths of strings and nested messages, shared by the two passes of one encode call. */
let lengths: number[] = [];
let lengthIndex = 0;

const EMPTY_BYTES = Buffer.alloc(0);

function zeroOf(f: FieldDescriptor): unknown {
  switch (f.kind) {
    case K.bool:
      return false;
    case K.string:
      return '';
    case K.bytes:
      return EMPTY_BYTES;
    case K.message:
      return {};
    default:
      return 0;
  }
}

function scalarSize(kind: number, v: unknown): number {
  switch (kind) {
    case K.int32:
    case K.enum:
      return (v as number) < 0 ? 10 : varint32Size(v as number);
    case K.uint32:
      return varint32Size((v as number) >>> 0);
    case K.sint32:
      return varint32Size(zigzagEncode32(v as number));
    case K.int64:
    case K.uint64:
      return varint64Size(v as number);
    case K.sint64:
      return varint64Size(zigzagEncode64(v as number));
    case K.bool:
      return 1;
    case K.fixed32:
    case K.sfixed32:
    case K.float:
      return 4;
    case K.fixed64:
    case K.sfixed64:
    case K.double:
      return 8;
    default:
      return 0;
  }
}

/**
 * UTF-8 length of a string, computed in JS: for the short names and keys of the protocol this is
 * cheaper than a native Buffer.byteLength call. Lone surrogates count 3 bytes (U+FFFD), as
 * Buffer.write encodes them.
 */
export function utf8Length(s: string): number {
  const n = s.length;
  let len = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) len += 1;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next < 0xe000) {
        len += 2; // a surrogate pair: 2 UTF-16 units, 4 bytes
        i++;
      } else len += 2;
    } else len += 2;
  }
  return len;
}

/** Writes a string whose UTF-8 length is `len`; short ASCII strings are copied by hand. */
function writeString(s: string, len: number, buf: Buffer, pos: number): number {
  if (len === s.length && len < 64) {
    for (let i = 0; i < len; i++) buf[pos + i] = s.charCodeAt(i);
  } else if (len > 0) {
    buf.write(s, pos, len, 'utf8');
  }
  return pos + len;
}

/** Size of one value of field `f`, without its tag; records string/message lengths. */
function valueSize(f: FieldDescriptor, v: unknown): number {
  const kind = f.kind;
  if (kind === K.string) {
    const len = utf8Length(v as string);
    lengths.push(len);
    return varint32Size(len) + len;
  }
  if (kind === K.bytes) {
    const len = (v as Uint8Array).length;
    return varint32Size(len) + len;
  }
  if (kind === K.message) {
    const slot = lengths.length;
    lengths.push(0);
    const len = sizeOf(f.message!, v as Obj);
    lengths[slot] = len;
    return varint32Size(len) + len;
  }
  return scalarSize(kind, v);
}

/**
 * Messages with many fields (BaseCommand has 58, MessageMetadata 32) usually carry only a few.
 * Probing every absent name costs more than walking the object's own keys, so for those we collect
 * the present fields plus the required ones and sort them into field-number order, the order
 * protoc-generated code writes and the one the official clients' bytes show.
 */
const SPARSE_THRESHOLD = 12;

function fieldsToVisit(desc: MessageDescriptor, obj: Obj): readonly FieldDescriptor[] {
  if (desc.fields.length <= SPARSE_THRESHOLD) return desc.fields;
  const out: FieldDescriptor[] = [];
  for (const key in obj) {
    const f = desc.byName.get(key);
    if (f !== undefined && !f.required && obj[key] !== undefined && obj[key] !== null) out.push(f);
  }
  const required = desc.requiredFields;
  for (let i = 0; i < required.length; i++) out.push(required[i]);
  // Insertion sort: the list is short and often already in order.
  for (let i = 1; i < out.length; i++) {
    const f = out[i];
    let j = i - 1;
    while (j >= 0 && out[j].no > f.no) {
      out[j + 1] = out[j];
      j--;
    }
    out[j + 1] = f;
  }
  return out;
}

function sizeOf(desc: MessageDescriptor, obj: Obj): number {
  let size = 0;
  const fields = fieldsToVisit(desc, obj);
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    let v = obj[f.name];
    if (v === undefined || v === null) {
      if (!f.required) continue;
      v = zeroOf(f);
    }
    if (f.repeated) {
      const arr = v as unknown[];
      for (let j = 0; j < arr.length; j++) size += f.tagSize + valueSize(f, arr[j]);
    } else {
      size += f.tagSize + valueSize(f, v);
    }
  }
  return size;
}

function writeValue(f: FieldDescriptor, v: unknown, buf: Buffer, pos: number): number {
  pos = writeVarint32(buf, pos, f.tag);
  switch (f.kind) {
    case K.int32:
    case K.enum:
    case K.int64:
    case K.uint64:
      return writeVarint64(buf, pos, v as number);
    case K.uint32:
      return writeVarint32(buf, pos, (v as number) >>> 0);
    case K.sint32:
      return writeVarint32(buf, pos, zigzagEncode32(v as number));
    case K.sint64:
      return writeVarint64(buf, pos, zigzagEncode64(v as number));
    case K.bool:
      buf[pos] = v ? 1 : 0;
      return pos + 1;
    case K.fixed32:
      buf.writeUInt32LE((v as number) >>> 0, pos);
      return pos + 4;
    case K.sfixed32:
      buf.writeInt32LE(v as number, pos);
      return pos + 4;
    case K.float:
      buf.writeFloatLE(v as number, pos);
      return pos + 4;
    case K.fixed64:
    case K.sfixed64:
      return writeFixed64(buf, pos, v as number);
    case K.double:
      buf.writeDoubleLE(v as number, pos);
      return pos + 8;
    case K.string: {
      const len = lengths[lengthIndex++];
      pos = writeVarint32(buf, pos, len);
      return writeString(v as string, len, buf, pos);
    }
    case K.bytes: {
      const bytes = v as Uint8Array;
      pos = writeVarint32(buf, pos, bytes.length);
      buf.set(bytes, pos);
      return pos + bytes.length;
    }
    default: {
      const len = lengths[lengthIndex++];
      pos = writeVarint32(buf, pos, len);
      return writeMessage(f.message!, v as Obj, buf, pos);
    }
  }
}

function writeMessage(desc: MessageDescriptor, obj: Obj, buf: Buffer, pos: number): number {
  const fields = fieldsToVisit(desc, obj);
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    let v = obj[f.name];
    if (v === undefined || v === null) {
      if (!f.required) continue;
      v = zeroOf(f);
    }
    if (f.repeated) {
      const arr = v as unknown[];
      for (let j = 0; j < arr.length; j++) pos = writeValue(f, arr[j], buf, pos);
    } else {
      pos = writeValue(f, v, buf, pos);
    }
  }
  return pos;
}

/** Size in bytes that `encodeInto` will write for `obj`. Call `encodeInto` right after. */
export function measure(desc: MessageDescriptor, obj: object): number {
  // Reuse one array across calls; drop it only if a huge message made it grow.
  if (lengths.length > 1024) lengths = [];
  else lengths.length = 0;
  lengthIndex = 0;
  return sizeOf(desc, obj as Obj);
}

/**
 * Writes `obj` at `pos` of `buf` (which must have `measure(desc, obj)` bytes free there) and
 * returns the end position. Must follow `measure` of the same object with no encode in between.
 */
export function encodeInto(desc: MessageDescriptor, obj: object, buf: Buffer, pos: number): number {
  lengthIndex = 0;
  return writeMessage(desc, obj as Obj, buf, pos);
}

/** Encodes `obj` into a new Buffer of exactly its size. */
export function encodeMessage(desc: MessageDescriptor, obj: object): Buffer {
  const size = measure(desc, obj);
  const buf = Buffer.allocUnsafe(size);
  const end = encodeInto(desc, obj, buf, 0);
  if (end !== size) throw new Error(`${desc.name}: encoder wrote ${end} bytes, sized ${size}`);
  return buf;
}

function readScalar(r: Reader, kind: number): unknown {
  switch (kind) {
    case K.int32:
    case K.enum:
      return r.varint32() | 0;
    case K.uint32:
      return r.varint32();
    case K.sint32:
      return zigzagDecode32(r.varint32());
    case K.int64:
    case K.uint64:
      return r.varint64();
    case K.sint64:
      return zigzagDecode64(r.varint64());
    case K.bool:
      return r.varint64() !== 0;
    case K.fixed32:
      return r.fixed32();
    case K.sfixed32:
      return r.sfixed32();
    case K.float:
      return r.float();
    case K.fixed64:
    case K.sfixed64:
      return r.fixed64();
    case K.double:
      return r.double();
    default:
      throw new Error(`kind ${kind} is not a scalar`);
  }
}

function readValue(r: Reader, f: FieldDescriptor): unknown {
  const kind = f.kind;
  if (kind === K.string) {
    const end = r.delimitedEnd();
    const s = r.buf.toString('utf8', r.pos, end);
    r.pos = end;
    return s;
  }
  if (kind === K.bytes) {
    const end = r.delimitedEnd();
    const b = r.buf.subarray(r.pos, end);
    r.pos = end;
    return b;
  }
  if (kind === K.message) {
    const end = r.delimitedEnd();
    const outerEnd = r.end;
    r.end = end;
    const m = readMessage(r, f.message!);
    r.end = outerEnd;
    return m;
  }
  return readScalar(r, kind);
}

/** Reads a packed run of a repeated scalar (accepted on decode, as protobuf requires). */
function readPacked(r: Reader, f: FieldDescriptor, out: Obj): void {
  const end = r.delimitedEnd();
  const outerEnd = r.end;
  r.end = end;
  let arr = out[f.name] as unknown[] | undefined;
  if (arr === undefined) out[f.name] = arr = [];
  while (r.pos < end) arr.push(readScalar(r, f.kind));
  r.end = outerEnd;
}

function readMessage(r: Reader, desc: MessageDescriptor): Obj {
  const out: Obj = {};
  const byNumber = desc.byNumber;
  while (r.pos < r.end) {
    const tag = r.varint32();
    const no = tag >>> 3;
    const wireType = tag & 7;
    if (no === 0) throw new ProtocolError('MALFORMED_PROTOBUF', `${desc.name}: field number 0`);
    const f = no < byNumber.length ? byNumber[no] : undefined;
    if (f === undefined) {
      r.skip(wireType);
    } else if (wireType === f.wireType) {
      const v = readValue(r, f);
      if (f.repeated) {
        const arr = out[f.name] as unknown[] | undefined;
        if (arr === undefined) out[f.name] = [v];
        else arr.push(v);
      } else {
        out[f.name] = v;
      }
    } else if (f.packable && wireType === WIRE_LENGTH_DELIMITED) {
      readPacked(r, f, out);
    } else {
      throw new ProtocolError(
        'MALFORMED_PROTOBUF',
        `${desc.name}.${f.name}: wire type ${wireType}, expected ${f.wireType}`,
      );
    }
  }
  return out;
}

/** Decodes `buf[start, end)` as `desc`. Throws ProtocolError('MALFORMED_PROTOBUF') on bad input. */
export function decodeMessage(desc: MessageDescriptor, buf: Buffer, start = 0, end = buf.length): Obj {
  return readMessage(new Reader(buf, start, end), desc);
}
