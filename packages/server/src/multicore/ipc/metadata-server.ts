/**
 * The primary's side of a worker's RemoteMetadataStore: answers the worker's metadata requests on
 * one session of the primary's store (FileMetadataStore.session()), in the order they arrive, and
 * forwards the events of the worker's watches. When the worker goes away, `end()` closes the
 * session, which removes its ephemeral keys as a crashed broker's keys vanish in ZooKeeper or etcd.
 */
import { BadVersionError, NotFoundError } from '../../metadata/types.js';
import type { MetadataStore } from '../../metadata/types.js';
import type { IpcChannel } from './channel.js';
import type { MetaFailure, MetaRequest, MetaResult } from './messages.js';

export interface MetadataSession {
  /** Closes the session (the worker exited or disconnected); idempotent. */
  end(): Promise<void>;
}

/** Serves `session` to the worker at the other end of `channel`. */
export function serveMetadata(channel: IpcChannel, session: MetadataStore): MetadataSession {
  const watches = new Map<number, () => void>();
  let ended: Promise<void> | undefined;
  const end = (): Promise<void> =>
    (ended ??= (async () => {
      detach();
      for (const off of watches.values()) off();
      watches.clear();
      await session.close();
    })());

  const handle = async (req: MetaRequest): Promise<MetaResult> => {
    switch (req.op) {
      case 'get': {
        const got = await session.get(req.path);
        return got ? { r: 'node', value: got.value, stat: got.stat } : { r: 'missing' };
      }
      case 'put': {
        const stat = await session.put(req.path, req.value, {
          expectedVersion: req.expectedVersion,
          ephemeral: req.ephemeral,
        });
        return { r: 'stat', stat };
      }
      case 'delete':
        await session.delete(req.path, req.expectedVersion);
        return { r: 'none' };
      case 'children':
        return { r: 'names', names: await session.children(req.path) };
      case 'exists':
        return { r: 'bool', value: await session.exists(req.path) };
      case 'watch': {
        const id = req.watch;
        watches.get(id)?.();
        watches.set(
          id,
          session.watch(req.path, (event) => channel.send({ t: 'meta.event', watch: id, event })),
        );
        return { r: 'none' };
      }
      case 'unwatch':
        watches.get(req.watch)?.();
        watches.delete(req.watch);
        return { r: 'none' };
      case 'close':
        await end();
        return { r: 'none' };
    }
  };

  const detach = channel.onMessage((m) => {
    if (m.t !== 'meta.req') return;
    handle(m.req).then(
      (res) => channel.send({ t: 'meta.ok', id: m.id, res }),
      (err: unknown) => channel.send({ t: 'meta.fail', id: m.id, err: failureOf(err) }),
    );
  });
  return { end };
}

function failureOf(err: unknown): MetaFailure {
  if (err instanceof BadVersionError)
    return { code: 'BAD_VERSION', path: err.path, expected: err.expected, actual: err.actual };
  if (err instanceof NotFoundError) return { code: 'NOT_FOUND', path: err.path };
  return { code: 'ERROR', message: err instanceof Error ? err.message : String(err) };
}
