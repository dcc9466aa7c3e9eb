import { describe, expect, it } from 'vitest';
import { createShutdownHandler, SAME_REQUEST_WINDOW_MS } from './shutdown.js';

function harness(close: () => Promise<void>, timeoutMs = 1000, now?: () => number) {
  const exits: number[] = [];
  const messages: string[] = [];
  let exited: (code: number) => void = () => undefined;
  const firstExit = new Promise<number>((resolve) => (exited = resolve));
  const handler = createShutdownHandler({
    close,
    timeoutMs,
    exit: (code) => {
      exits.push(code);
      exited(code);
    },
    log: { info: (m) => messages.push(m), error: (_o, m) => messages.push(m) },
    now,
  });
  return { handler, exits, messages, firstExit };
}

describe('createShutdownHandler', () => {
  it('closes once and exits 0 when close finishes', async () => {
    let closes = 0;
    const h = harness(async () => {
      closes++;
    });
    h.handler('SIGTERM');
    expect(await h.firstExit).toBe(0);
    expect(closes).toBe(1);
    expect(h.messages).toEqual(['received SIGTERM, shutting down', 'shut down cleanly']);
  });

  it('exits 1 when close outlasts the timeout', async () => {
    const h = harness(() => new Promise<void>(() => undefined), 20);
    h.handler('SIGINT');
    expect(await h.firstExit).toBe(1);
    expect(h.messages).toContain('graceful shutdown timed out, exiting');
  });

  it('exits 1 when close fails', async () => {
    const h = harness(() => Promise.reject(new Error('disk gone')));
    h.handler('SIGTERM');
    expect(await h.firstExit).toBe(1);
  });

  it('exits 1 at once on a second signal', async () => {
    let release: () => void = () => undefined;
    let clock = 0;
    const h = harness(
      () => new Promise<void>((resolve) => (release = resolve)),
      1000,
      () => clock,
    );
    h.handler('SIGTERM');
    clock += SAME_REQUEST_WINDOW_MS;
    h.handler('SIGINT');
    expect(await h.firstExit).toBe(1);
    release();
  });

  it('treats a repeat within the window as the same request (npm forwards Ctrl-C)', async () => {
    let release: () => void = () => undefined;
    let clock = 0;
    const h = harness(
      () => new Promise<void>((resolve) => (release = resolve)),
      1000,
      () => clock,
    );
    h.handler('SIGINT');
    clock += SAME_REQUEST_WINDOW_MS - 1;
    h.handler('SIGINT');
    expect(h.exits).toEqual([]);
    release();
    expect(await h.firstExit).toBe(0);
  });
});
