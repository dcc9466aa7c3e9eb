import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdminError } from './errors.js';
import { checkTenantName, isValidName, namespaceName } from './names.js';
import { namespaceOfPath, namespacePath, tenantPath } from './paths.js';

const NAMED_ENTITY_CHARS = [...'abcXYZ019_-=:.'];

describe('names (Pulsar NamedEntity [-=:.\\w]+)', () => {
  it('accepts exactly the names of Pulsar’s pattern', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 20 }), (s) => {
        expect(isValidName(s)).toBe(/^[-=:.\w]+$/.test(s));
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...NAMED_ENTITY_CHARS), minLength: 1 }), isValidName),
    );
    for (const bad of ['', 'a/b', 'a b', 'ä', 'a%2F', 'a\0', 'a?b'])
      expect(isValidName(bad), bad).toBe(false);
  });

  it('refuses bad names with 412 and Pulsar’s texts', () => {
    expect(() => checkTenantName('a/b')).toThrow(
      new AdminError('PRECONDITION_FAILED', 'Tenant name is not valid'),
    );
    expect(() => namespaceName('ok', 'n s')).toThrow('Namespace name is not valid');
    expect(namespaceName('t', 'ns')).toBe('t/ns');
  });

  it('maps checked names to metadata keys and back', () => {
    const name = fc.string({ unit: fc.constantFrom(...NAMED_ENTITY_CHARS), minLength: 1, maxLength: 10 });
    fc.assert(
      fc.property(name, name, (t, n) => {
        const path = namespacePath(`${t}/${n}`);
        expect(path).toBe(`${tenantPath(t)}/${n}`);
        expect(namespaceOfPath(path)).toBe(`${t}/${n}`);
        expect(namespaceOfPath(tenantPath(t))).toBeNull();
      }),
    );
    expect(() => tenantPath('a/b')).toThrow(/unchecked name/);
  });
});
