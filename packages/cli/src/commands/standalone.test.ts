import { describe, expect, it } from 'vitest';
import { readyLine } from './standalone.js';

describe('the ready line', () => {
  const plain = {
    brokerServiceUrl: 'pulsar://127.0.0.1:6650',
    webServiceUrl: 'http://127.0.0.1:8080',
    brokerServiceUrlTls: '',
    webServiceUrlTls: '',
  };

  it('names the plain URLs alone while TLS is off', () => {
    expect(readyLine(180, plain)).toBe(
      'Magnetar standalone ready in 180 ms: broker pulsar://127.0.0.1:6650 web http://127.0.0.1:8080',
    );
  });

  it('adds brokerServiceUrlTls and webServiceUrlTls after them when the TLS listeners are open', () => {
    const line = readyLine(5, {
      ...plain,
      brokerServiceUrlTls: 'pulsar+ssl://127.0.0.1:6651',
      webServiceUrlTls: 'https://127.0.0.1:8443',
    });
    expect(line).toBe(
      'Magnetar standalone ready in 5 ms: broker pulsar://127.0.0.1:6650 web http://127.0.0.1:8080 ' +
        'broker-tls pulsar+ssl://127.0.0.1:6651 web-tls https://127.0.0.1:8443',
    );
    // What scripts and test/helpers/process-broker.ts match still matches.
    expect(line).toMatch(/ready in \d+ ms: broker (pulsar:\/\/\S+) web (http:\/\/\S+)/);
    // With only one TLS listener open (webServicePortTls=-1), only that one is named.
    expect(readyLine(5, { ...plain, brokerServiceUrlTls: 'pulsar+ssl://h:1' })).toMatch(/broker-tls \S+$/);
  });
});
