import { WIRE_FIXED32, WIRE_FIXED64, WIRE_LENGTH_DELIMITED, WIRE_VARINT, varint32Size } from './wire.js';

/**
 * Descriptors: a hand-written, data-only description of protobuf messages (field number, scalar
 * kind, label, referenced message or enum) that drives the generic codec in codec.ts.
 */

export type ScalarKind =
  | 'int32'
  | 'int64'
  | 'uint32'
  | 'uint64'
  | 'sint32'
  | 'sint64'
  | 'bool'
  | 'enum'
  | 'fixed32'
  | 'sfixed32'
  | 'fixed64'
  | 'sfixed64'
  | 'float'
  | 'double'
  | 'string'
  | 'bytes'
  | 'message';

export type Label = 'required' | 'optional' | 'repeated';

/** One field as written in a schema file. `ref` names the message or enum for those kinds. */
export interface FieldSpec {
  no: number;
  name: string;
  kind: ScalarKind;
  label: Label;
  ref?: string;
}

/** Kind codes: small integers so the codec's hot switch compiles to a jump table. */
export const K = {
  int32: 0,
  int64: 1,
  uint32: 2,
  uint64: 3,
  sint32: 4,
  sint64: 5,
  bool: 6,
  enum: 7,
  fixed32: 8,
  sfixed32: 9,
  fixed64: 10,
  sfixed64: 11,
  float: 12,
  double: 13,
  string: 14,
  bytes: 15,
  message: 16,
} as const satisfies Record<ScalarKind, number>;

export interface FieldDescriptor {
  readonly no: number;
  readonly name: string;
  readonly kind: number;
  readonly kindName: ScalarKind;
  readonly required: boolean;
  readonly repeated: boolean;
  /** The wire type this field is written with. */
  readonly wireType: number;
  /** Precomputed tag (no << 3 | wireType) and its varint size. */
  readonly tag: number;
  readonly tagSize: number;
  /** Whether a packed (length-delimited) encoding of this repeated scalar is accepted on decode. */
  readonly packable: boolean;
  /** Filled in when the schema is linked; set only for kind 'message'. */
  message: MessageDescriptor | undefined;
  readonly ref: string | undefined;
}

export interface MessageDescriptor {
  readonly name: string;
  /** Sorted by field number, which is the order the encoder writes (as protoc-generated code does). */
  readonly fields: readonly FieldDescriptor[];
  /** Index by field number for the decoder; holes are undefined. */
  readonly byNumber: readonly (FieldDescriptor | undefined)[];
  /** Index by field name, for the encoder's sparse path over messages with many fields. */
  readonly byName: ReadonlyMap<string, FieldDescriptor>;
  /** Required fields, which the encoder writes even when the object lacks them. */
  readonly requiredFields: readonly FieldDescriptor[];
}

export function req(no: number, name: string, kind: ScalarKind, ref?: string): FieldSpec {
  return { no, name, kind, label: 'required', ref };
}

export function opt(no: number, name: string, kind: ScalarKind, ref?: string): FieldSpec {
  return { no, name, kind, label: 'optional', ref };
}

export function rep(no: number, name: string, kind: ScalarKind, ref?: string): FieldSpec {
  return { no, name, kind, label: 'repeated', ref };
}

function wireTypeOf(kind: ScalarKind): number {
  switch (kind) {
    case 'fixed64':
    case 'sfixed64':
    case 'double':
      return WIRE_FIXED64;
    case 'fixed32':
    case 'sfixed32':
    case 'float':
      return WIRE_FIXED32;
    case 'string':
    case 'bytes':
    case 'message':
      return WIRE_LENGTH_DELIMITED;
    default:
      return WIRE_VARINT;
  }
}

function compileField(spec: FieldSpec, owner: string): FieldDescriptor {
  if (!Number.isInteger(spec.no) || spec.no < 1 || spec.no > 536870911) {
    throw new Error(`${owner}.${spec.name}: bad field number ${spec.no}`);
  }
  const wireType = wireTypeOf(spec.kind);
  const tag = ((spec.no << 3) | wireType) >>> 0;
  return {
    no: spec.no,
    name: spec.name,
    kind: K[spec.kind],
    kindName: spec.kind,
    required: spec.label === 'required',
    repeated: spec.label === 'repeated',
    wireType,
    tag,
    tagSize: varint32Size(tag),
    packable: spec.label === 'repeated' && wireType !== WIRE_LENGTH_DELIMITED,
    message: undefined,
    ref: spec.ref,
  };
}

/**
 * Compiles a set of message specs and links message references by name. Throws (a programmer
 * error, at import time) on duplicate numbers or names, or a dangling reference.
 */
export function compileSchema(
  specs: Record<string, readonly FieldSpec[]>,
  enumNames: ReadonlySet<string>,
): Map<string, MessageDescriptor> {
  const out = new Map<string, MessageDescriptor>();
  for (const [name, fieldSpecs] of Object.entries(specs)) {
    const fields = fieldSpecs.map((s) => compileField(s, name)).sort((a, b) => a.no - b.no);
    const byNumber: (FieldDescriptor | undefined)[] = [];
    const names = new Set<string>();
    for (const f of fields) {
      if (byNumber[f.no] !== undefined) throw new Error(`${name}: duplicate field number ${f.no}`);
      if (names.has(f.name)) throw new Error(`${name}: duplicate field name ${f.name}`);
      byNumber[f.no] = f;
      names.add(f.name);
    }
    const byName = new Map(fields.map((f) => [f.name, f] as const));
    out.set(name, { name, fields, byNumber, byName, requiredFields: fields.filter((f) => f.required) });
  }
  for (const desc of out.values()) {
    for (const f of desc.fields) {
      if (f.kindName === 'message') {
        const target = f.ref === undefined ? undefined : out.get(f.ref);
        if (target === undefined) throw new Error(`${desc.name}.${f.name}: unknown message ${f.ref}`);
        f.message = target;
      } else if (f.kindName === 'enum' && (f.ref === undefined || !enumNames.has(f.ref))) {
        throw new Error(`${desc.name}.${f.name}: unknown enum ${f.ref}`);
      }
    }
  }
  return out;
}
