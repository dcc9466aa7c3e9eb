import type { Client } from '@magnetar/client';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePerfOptions, type PerfFlags } from './options.js';
import { PublishLoad } from './publish-load.js';

/** A client whose producers record which topic each send went to and never complete a send. */
function fakeClient(sends: string[]): Client {
  return {
    createProducer: (config: { topic: string }) =>
      Promise.resolve({
        send: () => {
          sends.push(config.topic);
          return new Promise(() => undefined);
        },
        flush: () => Promise.resolve(),
        close: () => Promise.resolve(),
      }),
  } as unknown as Client;
}

function perTopic(sends: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of sends) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

describe('PublishLoad spreads the rate over its producers', () => {
  let load: PublishLoad | undefined;
  afterEach(async () => {
    await load?.close();
    load = undefined;
  });

  async function start(flags: PerfFlags, clock: { t: number }, sends: string[]): Promise<PublishLoad> {
    load = new PublishLoad(parsePerfOptions('produce', 'tp', flags), () => clock.t);
    await load.start(fakeClient(sends));
    return load;
  }

  /** Advances the clock 1 ms at a time and runs the pump as its 1 ms timer would. */
  function tick(l: PublishLoad, clock: { t: number }, ms: number): void {
    const pump = (l as unknown as { pump: () => void }).pump;
    for (let i = 0; i < ms; i++) {
      clock.t += 1;
      pump();
    }
  }

  it('gives each of many topics its share, one message per producer per visit, not one burst each', async () => {
    const clock = { t: 0 };
    const sends: string[] = [];
    // 1,000 topics at 10,000 msg/s: 10 msg/s per topic, ~10 messages per 1 ms pump.
    const l = await start({ topics: '1000', rate: '10000', maxPending: '1000' }, clock, sends);
    tick(l, clock, 100);
    // 100 ms: ~1,000 messages, each to a different topic (one visit each, in order).
    expect(sends.length).toBeGreaterThanOrEqual(999);
    expect(sends.length).toBeLessThanOrEqual(1001);
    expect(Math.max(...perTopic(sends).values())).toBe(sends.length > 1000 ? 2 : 1);
    tick(l, clock, 900);
    // One second: every topic got its 10 messages (the first token may add one).
    const counts = [...perTopic(sends).values()];
    expect(counts.length).toBe(1000);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(9);
    expect(Math.max(...counts)).toBeLessThanOrEqual(11);
  });

  it('splits a budget larger than the producer count evenly', async () => {
    const clock = { t: 0 };
    const sends: string[] = [];
    const l = await start({ topics: '4', rate: '40000', maxPending: '1000' }, clock, sends);
    tick(l, clock, 10);
    const counts = [...perTopic(sends).values()];
    expect(counts.length).toBe(4);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(2);
  });

  it('without a rate fills every window, and one producer takes the whole budget', async () => {
    const clock = { t: 0 };
    const sends: string[] = [];
    await start({ topics: '3', maxPending: '50' }, clock, sends);
    expect([...perTopic(sends).values()]).toEqual([50, 50, 50]);
    await load!.close();
    const one: string[] = [];
    load = new PublishLoad(
      parsePerfOptions('produce', 'tp', { rate: '5000', maxPending: '1000' }),
      () => clock.t,
    );
    await load.start(fakeClient(one));
    tick(load, clock, 100);
    // 1 first token + 5 per ms, all on the one producer, capped by nothing but the bucket.
    expect(one.length).toBe(501);
  });

  it('creates at most --setup-concurrency producers at once', async () => {
    let pending = 0;
    let most = 0;
    const client = {
      createProducer: async () => {
        pending++;
        most = Math.max(most, pending);
        await new Promise<void>((r) => setImmediate(r));
        pending--;
        return { send: () => new Promise(() => undefined), flush: async () => {}, close: async () => {} };
      },
    } as unknown as Client;
    load = new PublishLoad(
      parsePerfOptions('produce', 'tp', { topics: '50', setupConcurrency: '4' }),
      () => 0,
    );
    await load.start(client);
    expect(load.count).toBe(50);
    expect(most).toBe(4);
  });

  it('never exceeds a producer window', async () => {
    const clock = { t: 0 };
    const sends: string[] = [];
    const l = await start({ topics: '2', rate: '100000', maxPending: '7' }, clock, sends);
    tick(l, clock, 50);
    expect([...perTopic(sends).values()]).toEqual([7, 7]);
    expect(l.inFlight).toBe(14);
  });
});
