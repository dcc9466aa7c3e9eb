import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandType, LookupType, ServerError } from '@magnetar/protocol';
import { RawClient } from '../helpers/raw-client.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

// LOOKUP with CommandLookupTopic.advertised_listener_name (PIP-61): the answer carries the URLs of
// the listener the client names. The external addresses are only strings here; nothing connects
// to them.

describe('LOOKUP and advertised listeners', () => {
  let broker: TestBroker;
  let client: RawClient;
  let nextRequest = 1;
  beforeAll(async () => {
    broker = await startTestBroker({
      advertisedListeners:
        'internal:pulsar://127.0.0.1:0,external:pulsar://broker.example.com:6650,external:pulsar+ssl://broker.example.com:6651',
      internalListenerName: 'internal',
    });
    client = await RawClient.connected(broker.port);
  });
  afterAll(async () => {
    client.close();
    await broker.destroy();
  });

  async function lookup(listener?: string) {
    const id = nextRequest++;
    client.send({
      type: CommandType.LOOKUP,
      lookupTopic: {
        topic: 'persistent://public/default/listeners',
        request_id: id,
        ...(listener === undefined ? {} : { advertised_listener_name: listener }),
      },
    });
    return (await client.response(id)).command.lookupTopicResponse;
  }

  it('answers with the internal listener when the client names none', async () => {
    const r = await lookup();
    expect(r?.response).toBe(LookupType.Connect);
    expect(r?.brokerServiceUrl).toBe(broker.brokerServiceUrl);
    expect(r?.brokerServiceUrlTls).toBeUndefined();
  });

  it('answers with both URLs of the named listener', async () => {
    const r = await lookup('external');
    expect(r?.response).toBe(LookupType.Connect);
    expect(r?.brokerServiceUrl).toBe('pulsar://broker.example.com:6650');
    expect(r?.brokerServiceUrlTls).toBe('pulsar+ssl://broker.example.com:6651');
  });

  it('fails a lookup naming a listener the broker does not have', async () => {
    const r = await lookup('nope');
    expect(r?.response).toBe(LookupType.Failed);
    expect(r?.error).toBe(ServerError.ServiceNotReady);
    expect(r?.message).toContain('nope');
  });
});
