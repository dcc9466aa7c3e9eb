import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED } from './logging.js';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { stream, lines };
}

describe('createLogger', () => {
  it('writes one JSON object per event with level, time, name and message', () => {
    const { stream, lines } = capture();
    const log = createLogger({ level: 'info', name: 'magnetar', destination: stream });
    log.info({ topic: 'persistent://public/default/t' }, 'topic loaded');
    log.debug('not written at info');
    const [line, ...rest] = lines();
    expect(rest).toEqual([]);
    expect(line).toMatchObject({
      level: 30,
      name: 'magnetar',
      msg: 'topic loaded',
      topic: 'persistent://public/default/t',
    });
    expect(typeof line!.time).toBe('string');
  });

  it('redacts auth data and tokens at the top level and nested', () => {
    const { stream, lines } = capture();
    const log = createLogger({ level: 'info', destination: stream });
    log.info({
      authData: 'secret-1',
      connect: { authMethod: 'token', authData: 'secret-2', clientVersion: '3.0' },
      req: { headers: { authorization: 'Bearer secret-3', host: 'h' } },
      a: { b: { token: 'secret-4' } },
    });
    const text = JSON.stringify(lines());
    expect(text).not.toMatch(/secret-\d/);
    const [line] = lines();
    expect(line).toMatchObject({
      authData: REDACTED,
      connect: { authMethod: 'token', authData: REDACTED, clientVersion: '3.0' },
      req: { headers: { authorization: REDACTED, host: 'h' } },
    });
  });

  it('honours the level, including silent', () => {
    const { stream, lines } = capture();
    const log = createLogger({ level: 'silent', destination: stream });
    log.error('nothing');
    expect(lines()).toEqual([]);
  });
});
