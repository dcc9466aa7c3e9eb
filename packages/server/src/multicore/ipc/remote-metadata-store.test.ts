import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { metadataStoreConformance } from '../../metadata/conformance.js';
import { FileMetadataStore } from '../../metadata/file-metadata-store.js';
import type { MetadataStore, WatchEvent } from '../../metadata/types.js';
import { memoryChannelPair } from './channel.js';
import { serveMetadata, type MetadataSession } from './metadata-server.js';
import { RemoteMetadataStore } from './remote-metadata-store.js';

/** A RemoteMetadataStore talking to a session of `store` through an in-memory JSON channel. */
function connect(store: FileMetadataStore): { remote: RemoteMetadataStore; session: MetadataSession } {
  const [workerEnd, primaryEnd] = memoryChannelPair();
  const session = serveMetadata(primaryEnd, store.session());
  return { remote: new RemoteMetadataStore(workerEnd), session };
}

metadataStoreConformance('RemoteMetadataStore over IPC (FileMetadataStore in the primary)', async (clock) => {
  const dir = await mkdtemp(join(tmpdir(), 'magnetar-remote-meta-'));
  const openPrimary = () => FileMetadataStore.open(dir, { clock, compactionThresholdBytes: 4096 });
  let primary = await openPrimary();
  let store: MetadataStore = connect(primary).remote;
  let reopens = 0;
  return {
    store,
    async reopen(): Promise<MetadataStore> {
      // A worker restart: the session ends, its ephemeral keys go; the primary's store stays open.
      // Every other reopen also restarts the primary, so both kinds of restart are covered.
      await store.close();
      if (++reopens % 2 === 0) {
        await primary.close();
        primary = await openPrimary();
      }
      store = connect(primary).remote;
      return store;
    },
    async cleanup() {
      await primary.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('RemoteMetadataStore sessions', () => {
  let dir: string;
  let primary: FileMetadataStore | undefined;
  afterEach(async () => {
    await primary?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('tells every worker of a change made through any worker', async () => {
    dir = await mkdtemp(join(tmpdir(), 'magnetar-remote-meta-'));
    primary = await FileMetadataStore.open(dir);
    const a = connect(primary).remote;
    const b = connect(primary).remote;
    const seenA: WatchEvent[] = [];
    const seenB: WatchEvent[] = [];
    a.watch('/admin/policies', (e) => seenA.push(e));
    b.watch('/admin/policies', (e) => seenB.push(e));
    await a.put('/admin/policies/public/default', Buffer.from('{"x":1}'));
    await b.put('/admin/policies/public/default', Buffer.from('{"x":2}'));
    // b's event reaches a on its own channel: give it a turn to arrive.
    await a.exists('/');
    expect(seenA.map((e) => e.type)).toEqual(['created', 'modified']);
    expect(seenB.map((e) => e.type)).toEqual(['created', 'modified']);
    expect((await a.get('/admin/policies/public/default'))!.value.toString()).toBe('{"x":2}');
    await a.close();
    await b.close();
  });

  it("drops a dead worker's ephemeral keys and keeps the others'", async () => {
    dir = await mkdtemp(join(tmpdir(), 'magnetar-remote-meta-'));
    primary = await FileMetadataStore.open(dir);
    const dead = connect(primary);
    const alive = connect(primary).remote;
    await dead.remote.put('/workers/0', Buffer.from('w0'), { ephemeral: true });
    await alive.put('/workers/1', Buffer.from('w1'), { ephemeral: true });
    const gone: string[] = [];
    alive.watch('/workers', (e) => e.type === 'deleted' && gone.push(e.path));
    // A round trip: the watch is registered at the primary before the session ends.
    await alive.exists('/');
    // The worker process died: the primary ends its session without a close request.
    await dead.session.end();
    await alive.exists('/');
    expect(await alive.children('/workers')).toEqual(['1']);
    expect(gone).toEqual(['/workers/0']);
    await alive.close();
  });

  it('rejects every call once the channel is gone', async () => {
    dir = await mkdtemp(join(tmpdir(), 'magnetar-remote-meta-'));
    primary = await FileMetadataStore.open(dir);
    const { remote } = connect(primary);
    const inFlight = remote.get('/x');
    remote.channelClosed();
    await expect(inFlight).rejects.toMatchObject({ code: 'METADATA_UNAVAILABLE' });
    await expect(remote.put('/x', Buffer.from(''))).rejects.toThrow(/closed/);
  });
});
