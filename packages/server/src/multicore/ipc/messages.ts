/**
 * The messages a multi-core standalone's primary and workers exchange over the node:cluster IPC
 * channel (JSON serialization): metadata store requests from a worker's RemoteMetadataStore, their
 * answers and watch events, and calls from one worker to another that the primary relays.
 *
 * `encodeMessage` turns a message into a JSON-safe object (byte values as base64 strings);
 * `decodeMessage` checks every field of what arrived and rebuilds the message, or throws an
 * IpcCodecError. Nothing that arrives is trusted blindly: a worker that sends garbage is refused,
 * not able to crash the primary.
 */
import type { Stat, WatchEvent } from '../../metadata/types.js';

/** A request to the metadata store, one per MetadataStore method (watch and unwatch carry a watch id). */
export type MetaRequest =
  | { op: 'get'; path: string }
  | { op: 'put'; path: string; value: Buffer; expectedVersion?: number; ephemeral?: boolean }
  | { op: 'delete'; path: string; expectedVersion?: number }
  | { op: 'children'; path: string }
  | { op: 'exists'; path: string }
  | { op: 'watch'; path: string; watch: number }
  | { op: 'unwatch'; watch: number }
  | { op: 'close' };

/** The value a request resolved with. */
export type MetaResult =
  | { r: 'none' }
  | { r: 'missing' }
  | { r: 'node'; value: Buffer; stat: Stat }
  | { r: 'stat'; stat: Stat }
  | { r: 'names'; names: string[] }
  | { r: 'bool'; value: boolean };

/** Why a request failed: the store's typed errors keep their fields, anything else its message. */
export type MetaFailure =
  | { code: 'BAD_VERSION'; path: string; expected: number; actual: number | null }
  | { code: 'NOT_FOUND'; path: string }
  | { code: 'ERROR'; message: string };

export type IpcMessage =
  /** Worker → primary: a metadata request. */
  | { t: 'meta.req'; id: number; req: MetaRequest }
  /** Primary → worker: request `id` succeeded. */
  | { t: 'meta.ok'; id: number; res: MetaResult }
  /** Primary → worker: request `id` failed. */
  | { t: 'meta.fail'; id: number; err: MetaFailure }
  /** Primary → worker: a change seen by the worker's watch `watch`. */
  | { t: 'meta.event'; watch: number; event: WatchEvent }
  /** A call to worker `to` (relayed by the primary, which fills in `from`). */
  | { t: 'peer.req'; id: number; from: number; to: number; op: string; args: unknown }
  /** The answer to call `id`, back to worker `to`; `status` is the HTTP status of a failure. */
  | { t: 'peer.res'; id: number; to: number; ok: true; result: unknown }
  | { t: 'peer.res'; id: number; to: number; ok: false; error: string; status: number };

/** A message that is not one of IpcMessage. */
export class IpcCodecError extends Error {
  readonly code = 'IPC_CODEC';
  constructor(why: string) {
    super(`bad IPC message: ${why}`);
    this.name = 'IpcCodecError';
  }
}

type Obj = Record<string, unknown>;

/** The JSON-safe form of `m`, for process.send / worker.send. */
export function encodeMessage(m: IpcMessage): Obj {
  switch (m.t) {
    case 'meta.req':
      return m.req.op === 'put'
        ? { t: m.t, id: m.id, req: { ...m.req, value: m.req.value.toString('base64') } }
        : { t: m.t, id: m.id, req: { ...m.req } };
    case 'meta.ok':
      return m.res.r === 'node'
        ? { t: m.t, id: m.id, res: { ...m.res, value: m.res.value.toString('base64') } }
        : { t: m.t, id: m.id, res: { ...m.res } };
    default:
      return { ...m };
  }
}

/** Checks and rebuilds a message that arrived; throws IpcCodecError for anything else. */
export function decodeMessage(raw: unknown): IpcMessage {
  const o = obj(raw, 'message');
  switch (o.t) {
    case 'meta.req':
      return { t: 'meta.req', id: int(o.id, 'id'), req: decodeRequest(obj(o.req, 'req')) };
    case 'meta.ok':
      return { t: 'meta.ok', id: int(o.id, 'id'), res: decodeResult(obj(o.res, 'res')) };
    case 'meta.fail':
      return { t: 'meta.fail', id: int(o.id, 'id'), err: decodeFailure(obj(o.err, 'err')) };
    case 'meta.event': {
      const e = obj(o.event, 'event');
      if (e.type !== 'created' && e.type !== 'modified' && e.type !== 'deleted')
        throw new IpcCodecError('event.type');
      return {
        t: 'meta.event',
        watch: int(o.watch, 'watch'),
        event: { type: e.type, path: str(e.path, 'path') },
      };
    }
    case 'peer.req':
      return {
        t: 'peer.req',
        id: int(o.id, 'id'),
        from: int(o.from, 'from'),
        to: int(o.to, 'to'),
        op: str(o.op, 'op'),
        args: o.args,
      };
    case 'peer.res': {
      const base = { t: 'peer.res' as const, id: int(o.id, 'id'), to: int(o.to, 'to') };
      if (o.ok === true) return { ...base, ok: true, result: o.result };
      if (o.ok === false)
        return { ...base, ok: false, error: str(o.error, 'error'), status: int(o.status, 'status') };
      throw new IpcCodecError('ok');
    }
    default:
      throw new IpcCodecError('unknown type');
  }
}

function decodeRequest(r: Obj): MetaRequest {
  switch (r.op) {
    case 'get':
    case 'children':
    case 'exists':
      return { op: r.op, path: str(r.path, 'path') };
    case 'put': {
      const put: MetaRequest = { op: 'put', path: str(r.path, 'path'), value: bytes(r.value, 'value') };
      if (r.expectedVersion !== undefined) put.expectedVersion = int(r.expectedVersion, 'expectedVersion');
      if (r.ephemeral !== undefined) put.ephemeral = bool(r.ephemeral, 'ephemeral');
      return put;
    }
    case 'delete': {
      const del: MetaRequest = { op: 'delete', path: str(r.path, 'path') };
      if (r.expectedVersion !== undefined) del.expectedVersion = int(r.expectedVersion, 'expectedVersion');
      return del;
    }
    case 'watch':
      return { op: 'watch', path: str(r.path, 'path'), watch: int(r.watch, 'watch') };
    case 'unwatch':
      return { op: 'unwatch', watch: int(r.watch, 'watch') };
    case 'close':
      return { op: 'close' };
    default:
      throw new IpcCodecError('unknown op');
  }
}

function decodeResult(r: Obj): MetaResult {
  switch (r.r) {
    case 'none':
    case 'missing':
      return { r: r.r };
    case 'node':
      return { r: 'node', value: bytes(r.value, 'value'), stat: decodeStat(obj(r.stat, 'stat')) };
    case 'stat':
      return { r: 'stat', stat: decodeStat(obj(r.stat, 'stat')) };
    case 'names': {
      if (!Array.isArray(r.names)) throw new IpcCodecError('names');
      return { r: 'names', names: r.names.map((n) => str(n, 'names')) };
    }
    case 'bool':
      return { r: 'bool', value: bool(r.value, 'value') };
    default:
      throw new IpcCodecError('unknown result');
  }
}

function decodeFailure(e: Obj): MetaFailure {
  switch (e.code) {
    case 'BAD_VERSION':
      return {
        code: 'BAD_VERSION',
        path: str(e.path, 'path'),
        expected: int(e.expected, 'expected'),
        actual: e.actual === null ? null : int(e.actual, 'actual'),
      };
    case 'NOT_FOUND':
      return { code: 'NOT_FOUND', path: str(e.path, 'path') };
    case 'ERROR':
      return { code: 'ERROR', message: str(e.message, 'message') };
    default:
      throw new IpcCodecError('unknown failure');
  }
}

function decodeStat(s: Obj): Stat {
  return {
    version: int(s.version, 'version'),
    createdMs: int(s.createdMs, 'createdMs'),
    modifiedMs: int(s.modifiedMs, 'modifiedMs'),
    ephemeral: bool(s.ephemeral, 'ephemeral'),
  };
}

function obj(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new IpcCodecError(what);
  return v as Obj;
}

function int(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new IpcCodecError(what);
  return v;
}

function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new IpcCodecError(what);
  return v;
}

function bool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') throw new IpcCodecError(what);
  return v;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function bytes(v: unknown, what: string): Buffer {
  if (typeof v !== 'string' || v.length % 4 !== 0 || !BASE64.test(v)) throw new IpcCodecError(what);
  return Buffer.from(v, 'base64');
}
