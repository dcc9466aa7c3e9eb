import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, IpcCodecError, type IpcMessage } from './messages.js';

const int = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const path = fc.string({ maxLength: 20 });
const buf = fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a));
const stat = fc.record({ version: int, createdMs: int, modifiedMs: int, ephemeral: fc.boolean() });
const json = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);

const request = fc.oneof(
  fc.record({ op: fc.constantFrom('get' as const, 'children' as const, 'exists' as const), path }),
  fc.record(
    {
      op: fc.constant('put' as const),
      path,
      value: buf,
      expectedVersion: fc.integer({ min: -1, max: 10 }),
      ephemeral: fc.boolean(),
    },
    { requiredKeys: ['op', 'path', 'value'] },
  ),
  fc.record(
    { op: fc.constant('delete' as const), path, expectedVersion: fc.integer({ min: 0, max: 10 }) },
    { requiredKeys: ['op', 'path'] },
  ),
  fc.record({ op: fc.constant('watch' as const), path, watch: int }),
  fc.record({ op: fc.constant('unwatch' as const), watch: int }),
  fc.record({ op: fc.constant('close' as const) }),
);

const result = fc.oneof(
  fc.record({ r: fc.constantFrom('none' as const, 'missing' as const) }),
  fc.record({ r: fc.constant('node' as const), value: buf, stat }),
  fc.record({ r: fc.constant('stat' as const), stat }),
  fc.record({ r: fc.constant('names' as const), names: fc.array(path, { maxLength: 5 }) }),
  fc.record({ r: fc.constant('bool' as const), value: fc.boolean() }),
);

const failure = fc.oneof(
  fc.record({
    code: fc.constant('BAD_VERSION' as const),
    path,
    expected: fc.integer({ min: -1, max: 10 }),
    actual: fc.option(int, { nil: null }),
  }),
  fc.record({ code: fc.constant('NOT_FOUND' as const), path }),
  fc.record({ code: fc.constant('ERROR' as const), message: fc.string() }),
);

const message: fc.Arbitrary<IpcMessage> = fc.oneof(
  fc.record({ t: fc.constant('meta.req' as const), id: int, req: request }),
  fc.record({ t: fc.constant('meta.ok' as const), id: int, res: result }),
  fc.record({ t: fc.constant('meta.fail' as const), id: int, err: failure }),
  fc.record({
    t: fc.constant('meta.event' as const),
    watch: int,
    event: fc.record({
      type: fc.constantFrom('created' as const, 'modified' as const, 'deleted' as const),
      path,
    }),
  }),
  fc.record({
    t: fc.constant('peer.req' as const),
    id: int,
    from: int,
    to: int,
    op: fc.string(),
    args: json,
  }),
  fc.record({
    t: fc.constant('peer.res' as const),
    id: int,
    to: int,
    ok: fc.constant(true as const),
    result: json,
  }),
  fc.record({
    t: fc.constant('peer.res' as const),
    id: int,
    to: int,
    ok: fc.constant(false as const),
    error: fc.string(),
    status: fc.integer({ min: 100, max: 599 }),
  }),
) as fc.Arbitrary<IpcMessage>;

describe('IPC message codec', () => {
  it('decodes what it encodes, through JSON text', () => {
    fc.assert(
      fc.property(message, (m) => {
        const wire = JSON.parse(JSON.stringify(encodeMessage(m))) as unknown;
        expect(decodeMessage(wire)).toEqual(m);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses anything else with IpcCodecError, never another exception', () => {
    fc.assert(
      fc.property(fc.anything(), (junk) => {
        try {
          decodeMessage(junk);
        } catch (err) {
          expect(err).toBeInstanceOf(IpcCodecError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a message with one field damaged', () => {
    fc.assert(
      fc.property(message, fc.nat(), fc.constantFrom(null, 'x', -1.5, [], {}), (m, pick, bad) => {
        const wire = encodeMessage(m);
        const keys = Object.keys(wire).filter((k) => k !== 'args' && k !== 'result');
        const key = keys[pick % keys.length];
        const damaged = { ...wire, [key]: bad };
        try {
          const back = decodeMessage(damaged);
          // Some damage still leaves a valid message (e.g. an error string replaced by 'x').
          expect(back).toBeDefined();
        } catch (err) {
          expect(err).toBeInstanceOf(IpcCodecError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
