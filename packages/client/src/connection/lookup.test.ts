import { describe, expect, it } from 'vitest';
import type { ClientConnection } from './connection.js';
import { LookupService } from './lookup.js';
import type { BrokerAddress, ConnectionPool } from './pool.js';
import { CommandType, type Command } from './wire.js';

const REDIRECT = 0;
const CONNECT = 1;

/**
 * A pool whose connections answer LOOKUP from a script keyed by "host:port", recording every
 * address asked for and the LOOKUP commands sent.
 */
function scriptedPool(answers: Record<string, Record<string, unknown>>) {
  const dialed: BrokerAddress[] = [];
  const lookups: Record<string, unknown>[] = [];
  const pool = {
    get(addr: BrokerAddress) {
      dialed.push(addr);
      const conn = {
        newRequestId: () => 1,
        request(cmd: Command): Promise<Command> {
          lookups.push(cmd.lookupTopic as Record<string, unknown>);
          const answer = answers[`${addr.host}:${addr.port}`];
          return Promise.resolve({
            type: CommandType.LOOKUP_RESPONSE,
            lookupTopicResponse: { request_id: 1, ...answer },
          });
        },
      };
      return Promise.resolve(conn as unknown as ClientConnection);
    },
  };
  return { pool: pool as unknown as ConnectionPool, dialed, lookups };
}

describe('LookupService over TLS', () => {
  it('follows brokerServiceUrlTls through a redirect and connects over TLS', async () => {
    const { pool, dialed, lookups } = scriptedPool({
      'seed:6651': {
        response: REDIRECT,
        authoritative: true,
        brokerServiceUrl: 'pulsar://b1:6650',
        brokerServiceUrlTls: 'pulsar+ssl://b1:6651',
      },
      'b1:6651': {
        response: CONNECT,
        brokerServiceUrl: 'pulsar://b1:6650',
        brokerServiceUrlTls: 'pulsar+ssl://b1:6651',
      },
    });
    const lookup = new LookupService(pool, 'pulsar+ssl://seed:6651', 'external');
    await lookup.connectionFor('persistent://public/default/t');
    expect(dialed).toEqual([
      { host: 'seed', port: 6651, tls: true },
      { host: 'b1', port: 6651, tls: true },
      { host: 'b1', port: 6651, tls: true },
    ]);
    expect(lookups.map((l) => [l.advertised_listener_name, l.authoritative])).toEqual([
      ['external', false],
      ['external', true],
    ]);
  });

  it('uses brokerServiceUrl for a plain service URL and sends no listener name unless set', async () => {
    const { pool, dialed, lookups } = scriptedPool({
      'seed:6650': {
        response: CONNECT,
        brokerServiceUrl: 'pulsar://b2:6650',
        brokerServiceUrlTls: 'pulsar+ssl://b2:6651',
      },
    });
    await new LookupService(pool, 'pulsar://seed').connectionFor('t');
    expect(dialed.at(-1)).toEqual({ host: 'b2', port: 6650, tls: false });
    expect(lookups[0]).not.toHaveProperty('advertised_listener_name');
  });

  it('fails without retry when the broker has no TLS URL', async () => {
    const { pool } = scriptedPool({
      'seed:6651': { response: CONNECT, brokerServiceUrl: 'pulsar://b3:6650' },
    });
    const err = await new LookupService(pool, 'pulsar+ssl://seed')
      .connectionFor('t')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'LOOKUP_ERROR', retriable: false });
    expect(String(err)).toContain('brokerServiceUrlTls');
  });
});
