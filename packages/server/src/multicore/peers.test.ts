import { describe, expect, it } from 'vitest';
import { memoryChannelPair, type IpcChannel } from './ipc/channel.js';
import { PeerCalls, PeerCallError } from './peers.js';

/** Two workers' channels joined by a relay that plays the primary (peer messages only). */
function twoWorkers(): [PeerCalls, PeerCalls, { down: Set<number> }] {
  const [w0, p0] = memoryChannelPair();
  const [w1, p1] = memoryChannelPair();
  const primaryEnds: IpcChannel[] = [p0, p1];
  const state = { down: new Set<number>() };
  primaryEnds.forEach((end, from) =>
    end.onMessage((m) => {
      if (m.t === 'peer.req') {
        if (state.down.has(m.to)) {
          end.send({
            t: 'peer.res',
            id: m.id,
            to: from,
            ok: false,
            error: `worker ${m.to} is not running`,
            status: 503,
          });
        } else primaryEnds[m.to].send({ ...m, from });
      } else if (m.t === 'peer.res') primaryEnds[m.to].send(m);
    }),
  );
  return [new PeerCalls(w0, 0), new PeerCalls(w1, 1), state];
}

describe('PeerCalls', () => {
  it('runs an operation at the other worker and brings back its result', async () => {
    const [a, b] = twoWorkers();
    b.handle('echo', async (args) => ({ got: args, at: 1 }));
    expect(await a.call(1, 'echo', { topic: 't' })).toEqual({ got: { topic: 't' }, at: 1 });
  });

  it("brings back a failure with the handler's HTTP status, 500 when it has none", async () => {
    const [a, b] = twoWorkers();
    b.handle('notFound', async () => {
      throw Object.assign(new Error('Topic x not found'), { statusCode: 404 });
    });
    b.handle('broken', async () => {
      throw new Error('boom');
    });
    await expect(a.call(1, 'notFound', null)).rejects.toMatchObject({
      statusCode: 404,
      message: 'Topic x not found',
    });
    await expect(a.call(1, 'broken', null)).rejects.toMatchObject({ statusCode: 500 });
    await expect(a.call(1, 'nope', null)).rejects.toThrow(/unknown peer operation nope/);
  });

  it('fails at once with 503 when the other worker is not running, and on close', async () => {
    const [a, , state] = twoWorkers();
    state.down.add(1);
    const err = await a.call(1, 'echo', null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PeerCallError);
    expect(err).toMatchObject({ statusCode: 503 });
    state.down.clear();
    const pending = a.call(1, 'never-answered-before-close', null);
    a.close();
    await expect(pending).rejects.toMatchObject({ statusCode: 503 });
  });
});
