/** The kinds of configuration field and the helpers that declare them (schema.ts, security-schema.ts). */

interface FieldBase {
  /** One line for `--help` and docs. */
  doc: string;
}
export interface IntField extends FieldBase {
  kind: 'int';
  default: number;
  min: number;
  max: number;
}
export interface BoolField extends FieldBase {
  kind: 'bool';
  default: boolean;
}
export interface StringField extends FieldBase {
  kind: 'string';
  default: string;
}
export interface EnumField<T extends string = string> extends FieldBase {
  kind: 'enum';
  default: T;
  values: readonly T[];
}
export type Field = IntField | BoolField | StringField | EnumField;

export const int = (def: number, min: number, max: number, doc: string): IntField => ({
  kind: 'int',
  default: def,
  min,
  max,
  doc,
});
export const bool = (def: boolean, doc: string): BoolField => ({ kind: 'bool', default: def, doc });
export const str = (def: string, doc: string): StringField => ({ kind: 'string', default: def, doc });
