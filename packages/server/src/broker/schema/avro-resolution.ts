/**
 * Avro schema resolution (Avro specification, "Schema Resolution"; what Avro's
 * SchemaCompatibility.checkReaderWriterCompatibility decides): can data written with one schema
 * be read with another? Schemas are parsed by avsc, which resolves named references and
 * namespaces and checks defaults; the walk over the two parsed trees is ours, so that each rule
 * (promotions, defaults of missing fields, names and aliases, enum symbols, unions) is explicit.
 */
import { createRequire } from 'node:module';
import type * as avro from 'avsc';

type AvroType = avro.Type;

/*
 * avsc is loaded on the first Avro schema parsed, not at import: it costs ~17 ms of start-up and
 * ~7 MiB of idle memory (BENCHMARKS.md), and most brokers never see an Avro schema. The import
 * above is type-only; `require` is synchronous, so parsing stays synchronous.
 */
const requireLib = createRequire(import.meta.url);
let avsc: typeof avro | undefined;

function loadAvsc(): typeof avro {
  return (avsc ??= requireLib('avsc') as typeof avro);
}

/** Parses an Avro schema definition (JSON text); throws with avsc's reason when it is not valid. */
export function parseAvroSchema(definition: string): AvroType {
  return loadAvsc().Type.forSchema(JSON.parse(definition) as avro.Schema, { wrapUnions: false });
}

/** Writer types each reader type accepts besides itself (the specification's promotions). */
const PROMOTIONS: Readonly<Record<string, readonly string[]>> = {
  long: ['int'],
  float: ['int', 'long'],
  double: ['int', 'long', 'float'],
  string: ['bytes'],
  bytes: ['string'],
};

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/**
 * Why `reader` cannot read what `writer` wrote, or undefined when it can. The reason names the
 * path of the first problem found, e.g. `User.age: reader type int cannot read writer type long`.
 */
export function readIncompatibility(reader: AvroType, writer: AvroType): string | undefined {
  return check(reader, writer, reader.name ?? kindOf(reader), new Set());
}

function check(r: AvroType, w: AvroType, path: string, seen: Set<string>): string | undefined {
  const rk = kindOf(r);
  const wk = kindOf(w);
  // A writer union is readable when each of its branches is (the data may be any of them).
  if (wk === 'union') {
    for (const branch of typesOf(w)) {
      const why = check(r, branch, path, seen);
      if (why) return why;
    }
    return undefined;
  }
  if (rk === 'union') {
    if (typesOf(r).some((branch) => check(branch, w, path, seen) === undefined)) return undefined;
    return `${path}: no branch of the reader union can read writer type ${wk}`;
  }
  if (PRIMITIVES.has(rk)) {
    if (rk === wk || (PROMOTIONS[rk] ?? []).includes(wk)) return undefined;
    return mismatch(path, rk, wk);
  }
  if (rk !== wk) return mismatch(path, rk, wk);
  switch (rk) {
    case 'record':
      return checkRecord(r as avro.types.RecordType, w as avro.types.RecordType, path, seen);
    case 'enum':
      return checkEnum(r as avro.types.EnumType, w as avro.types.EnumType, path);
    case 'array':
      return check(
        (r as avro.types.ArrayType).itemsType,
        (w as avro.types.ArrayType).itemsType,
        `${path}[]`,
        seen,
      );
    case 'map':
      return check(
        (r as avro.types.MapType).valuesType as AvroType,
        (w as avro.types.MapType).valuesType as AvroType,
        `${path}{}`,
        seen,
      );
    case 'fixed': {
      if (!namesMatch(r, w)) return nameMismatch(path, r, w);
      const rs = (r as avro.types.FixedType).size;
      const ws = (w as avro.types.FixedType).size;
      return rs === ws ? undefined : `${path}: fixed size ${rs} cannot read fixed size ${ws}`;
    }
    default:
      return `${path}: unsupported Avro type ${rk}`;
  }
}

function checkRecord(
  r: avro.types.RecordType,
  w: avro.types.RecordType,
  path: string,
  seen: Set<string>,
): string | undefined {
  if (!namesMatch(r, w)) return nameMismatch(path, r, w);
  // Recursive records: a pair already being compared is assumed compatible (Avro does the same).
  const pair = `${r.name ?? ''}|${w.name ?? ''}`;
  if (seen.has(pair)) return undefined;
  seen.add(pair);
  for (const rf of r.fields) {
    const wf = w.fields.find((f) => f.name === rf.name) ?? w.fields.find((f) => rf.aliases.includes(f.name));
    if (!wf) {
      // A field the writer never wrote is read as its default; without one the data cannot be read.
      if (rf.defaultValue() === undefined) {
        return `${path}.${rf.name}: reader field has no default value and the writer does not have it`;
      }
      continue;
    }
    const why = check(rf.type, wf.type, `${path}.${rf.name}`, seen);
    if (why) return why;
  }
  // Writer fields the reader does not have are skipped: never a problem.
  return undefined;
}

function checkEnum(r: avro.types.EnumType, w: avro.types.EnumType, path: string): string | undefined {
  if (!namesMatch(r, w)) return nameMismatch(path, r, w);
  const readerDefault = (r.schema() as { default?: unknown }).default;
  if (readerDefault !== undefined) return undefined;
  const missing = w.symbols.filter((s) => !r.symbols.includes(s));
  return missing.length === 0 ? undefined : `${path}: reader enum lacks writer symbols ${missing.join(', ')}`;
}

/** Named types match by unqualified name, or when a reader alias names the writer (Avro's rule). */
function namesMatch(r: AvroType, w: AvroType): boolean {
  const short = (n: string | undefined) => (n ?? '').split('.').pop();
  if (short(r.name) === short(w.name)) return true;
  return (r.aliases ?? []).includes(w.name ?? '');
}

function kindOf(t: AvroType): string {
  const k = t.typeName;
  if (k.startsWith('union')) return 'union';
  // avsc names logical types "logical:<name>"; resolution looks at the underlying type.
  if (k.startsWith('logical:')) return kindOf((t as avro.types.LogicalType).underlyingType);
  return k;
}

function typesOf(t: AvroType): readonly AvroType[] {
  return (t as avro.types.UnwrappedUnionType).types;
}

function mismatch(path: string, reader: string, writer: string): string {
  return `${path}: reader type ${reader} cannot read writer type ${writer}`;
}

function nameMismatch(path: string, r: AvroType, w: AvroType): string {
  return `${path}: reader name ${r.name ?? ''} does not match writer name ${w.name ?? ''}`;
}
