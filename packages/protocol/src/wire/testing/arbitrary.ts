import fc from 'fast-check';
import type { FieldDescriptor, MessageDescriptor } from '../descriptor.js';
import { K } from '../descriptor.js';

/**
 * fast-check arbitraries generated from a message descriptor, for round-trip properties over the
 * whole schema. Values are ones the codec promises to return unchanged: 64-bit integers within
 * ±2^53, valid Unicode strings, bytes as Buffers (the decoder returns Buffer views).
 */

type Obj = Record<string, unknown>;

const INT32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const UINT32 = fc.integer({ min: 0, max: 0xffffffff });
const INT64 = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
);
const STRING = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 8 }));
const BYTES = fc.uint8Array({ maxLength: 24 }).map((u) => Buffer.from(u));

function scalar(kind: number): fc.Arbitrary<unknown> {
  switch (kind) {
    case K.int32:
    case K.sint32:
    case K.sfixed32:
      return INT32;
    case K.enum:
      return fc.integer({ min: 0, max: 30 });
    case K.uint32:
    case K.fixed32:
      return UINT32;
    case K.int64:
    case K.uint64:
    case K.sint64:
    case K.fixed64:
    case K.sfixed64:
      return INT64;
    case K.bool:
      return fc.boolean();
    case K.float:
      return fc.float({ noNaN: true }).map((f) => Math.fround(f));
    case K.double:
      return fc.double({ noNaN: true });
    case K.string:
      return STRING;
    case K.bytes:
      return BYTES;
    default:
      throw new Error(`kind ${kind} is not scalar`);
  }
}

function fieldValue(f: FieldDescriptor, depth: number): fc.Arbitrary<unknown> {
  return f.kind === K.message ? messageArbitrary(f.message!, depth + 1) : scalar(f.kind);
}

/** An arbitrary object of `desc`, nesting messages at most `maxDepth` levels deep. */
export function messageArbitrary(desc: MessageDescriptor, depth = 0, maxDepth = 3): fc.Arbitrary<Obj> {
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  const requiredKeys: string[] = [];
  for (const f of desc.fields) {
    const deep = f.kind === K.message && depth >= maxDepth;
    if (f.required) {
      parts[f.name] = fieldValue(f, depth);
      requiredKeys.push(f.name);
    } else if (deep) {
      continue;
    } else if (f.repeated) {
      parts[f.name] = fc.array(fieldValue(f, depth), { minLength: 1, maxLength: 3 });
    } else {
      parts[f.name] = fieldValue(f, depth);
    }
  }
  return fc.record(parts, { requiredKeys }) as fc.Arbitrary<Obj>;
}
