import { compileSchema } from '../wire/descriptor.js';
import type { MessageDescriptor } from '../wire/descriptor.js';
import { commandSpecs } from './commands.js';
import { commonSpecs } from './common.js';
import { ENUMS } from './enums.js';

/** Every message of the schema, compiled and linked once at import. */
export const MESSAGE_DESCRIPTORS: ReadonlyMap<string, MessageDescriptor> = compileSchema(
  { ...commonSpecs, ...commandSpecs },
  new Set(Object.keys(ENUMS)),
);

/** The descriptor of a message by its proto name; throws for a name the schema lacks. */
export function descriptorOf(name: string): MessageDescriptor {
  const d = MESSAGE_DESCRIPTORS.get(name);
  if (d === undefined) throw new Error(`no message ${name} in the schema`);
  return d;
}
