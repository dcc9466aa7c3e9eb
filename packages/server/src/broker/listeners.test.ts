import { describe, expect, it } from 'vitest';
import { ServerError } from '@magnetar/protocol';
import { ConfigError } from '../config/errors.js';
import { BrokerError } from './errors.js';
import { AdvertisedListeners } from './listeners.js';

const own = {
  brokerServiceUrl: 'pulsar://10.0.0.5:6650',
  brokerServiceUrlTls: 'pulsar+ssl://10.0.0.5:6651',
  httpUrl: 'http://10.0.0.5:8080',
  httpUrlTls: 'https://10.0.0.5:8443',
};

function problemsOf(value: string, internal = ''): string[] {
  try {
    AdvertisedListeners.parse(value, internal);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => `${p.key} ${p.value ?? ''}: ${p.expected}`);
  }
  throw new Error(`${value} was accepted`);
}

describe('AdvertisedListeners.parse', () => {
  it('reads named listeners with up to one address per scheme', () => {
    const l = AdvertisedListeners.parse(
      ' internal:pulsar://10.0.0.5:6650 , internal:pulsar+ssl://10.0.0.5:6651,external:pulsar://broker.example.com:16650,external:https://broker.example.com:443',
    );
    expect([...l.listeners.keys()]).toEqual(['internal', 'external']);
    expect(l.internalName).toBe('internal');
    expect(l.listeners.get('external')?.endpoints).toEqual({
      pulsar: { host: 'broker.example.com', port: 16650 },
      https: { host: 'broker.example.com', port: 443 },
    });
  });

  it('keeps IPv6 literals in brackets', () => {
    const l = AdvertisedListeners.parse('v6:pulsar://[::1]:6650');
    expect(l.resolve('v6', own).brokerServiceUrl).toBe('pulsar://[::1]:6650');
  });

  it('refuses an entry without a name', () => {
    expect(problemsOf('pulsar://h:6650')[0]).toContain('listener name is missing');
    expect(problemsOf(':pulsar://h:6650')[0]).toContain('listener name is missing');
    expect(problemsOf('a b:pulsar://h:6650')[0]).toContain('letters, digits');
  });

  it('refuses an unknown scheme', () => {
    expect(problemsOf('internal:kafka://h:9092')[0]).toContain('pulsar://, pulsar+ssl://, http://, https://');
  });

  it('refuses the same scheme twice in one listener', () => {
    expect(problemsOf('a:pulsar://h:1,a:pulsar://h:2')[0]).toContain(
      'at most one pulsar:// address for listener "a"',
    );
  });

  it('refuses bad ports and malformed addresses', () => {
    expect(problemsOf('a:pulsar://h:70000')[0]).toContain('port from 0 to 65535');
    expect(problemsOf('a:pulsar://h:x')[0]).toContain('port from 0 to 65535');
    expect(problemsOf('a:pulsar://h:1/path')[0]).toContain('scheme://host[:port]');
    expect(problemsOf('a:pulsar://')[0]).toContain('scheme://host[:port]');
  });

  it('lets two listeners share an address (Magnetar binds ports once, not per listener)', () => {
    const l = AdvertisedListeners.parse('a:pulsar://h:6650,b:pulsar://h:6650');
    expect(l.resolve('b', own).brokerServiceUrl).toBe('pulsar://h:6650');
  });

  it('reports every problem at once', () => {
    expect(problemsOf('pulsar://h:1,a:ftp://h:2,b:pulsar://h:99999')).toHaveLength(3);
  });

  it('refuses an internalListenerName that names no listener', () => {
    expect(problemsOf('a:pulsar://h:1', 'b')[0]).toMatch(/^internalListenerName b: .*\(a\)/);
  });
});

describe('AdvertisedListeners.resolve', () => {
  it('without listeners: the broker own URLs under the internal name', () => {
    const l = AdvertisedListeners.parse('');
    expect(l.resolve(undefined, own)).toEqual(own);
    expect(l.resolve('internal', own)).toEqual(own);
    expect(l.resolve(undefined, { ...own, brokerServiceUrlTls: '' })).not.toHaveProperty(
      'brokerServiceUrlTls',
    );
  });

  it('answers an unknown name with ServiceNotReady naming it', () => {
    const l = AdvertisedListeners.parse('a:pulsar://h:1');
    let err: unknown;
    try {
      l.resolve('nope', own);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BrokerError);
    expect((err as BrokerError).serverError).toBe(ServerError.ServiceNotReady);
    expect((err as BrokerError).message).toContain('nope');
    expect(() => AdvertisedListeners.parse('').resolve('other', own)).toThrow(BrokerError);
  });

  it('gives each listener only its own URLs, the internal one filled from the broker', () => {
    const l = AdvertisedListeners.parse('in:pulsar://10.1.1.1:1650,ex:pulsar+ssl://ex.example.com:16651');
    expect(l.resolve(undefined, own)).toEqual({
      brokerServiceUrl: 'pulsar://10.1.1.1:1650',
      brokerServiceUrlTls: own.brokerServiceUrlTls,
      httpUrl: own.httpUrl,
      httpUrlTls: own.httpUrlTls,
    });
    expect(l.resolve('ex', own)).toEqual({ brokerServiceUrlTls: 'pulsar+ssl://ex.example.com:16651' });
  });

  it('takes an omitted or 0 port from the port bound for the scheme', () => {
    const l = AdvertisedListeners.parse(
      'a:pulsar://a.example.com,a:pulsar+ssl://a.example.com:0,b:http://b.example.com',
    );
    expect(l.resolve('a', own)).toEqual({
      brokerServiceUrl: 'pulsar://a.example.com:6650',
      brokerServiceUrlTls: 'pulsar+ssl://a.example.com:6651',
      httpUrl: own.httpUrl,
      httpUrlTls: own.httpUrlTls,
    });
    expect(l.resolve('b', own)).toEqual({ httpUrl: 'http://b.example.com:8080' });
  });

  it('checks at start-up that a bound-port placeholder has a listener to take the port from', () => {
    const l = AdvertisedListeners.parse('a:pulsar://h,a:pulsar+ssl://h');
    const bound = { pulsar: true, 'pulsar+ssl': false, http: true, https: false };
    expect(() => l.checkResolvable(bound)).toThrow(/a:pulsar\+ssl:\/\/h/);
    expect(() => l.checkResolvable({ ...bound, 'pulsar+ssl': true })).not.toThrow();
  });
});
