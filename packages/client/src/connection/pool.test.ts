import { describe, expect, it } from 'vitest';
import { parseServiceUrl } from './pool.js';

describe('parseServiceUrl', () => {
  it('reads pulsar:// and pulsar+ssl:// with their default ports', () => {
    expect(parseServiceUrl('pulsar://h')).toEqual({ host: 'h', port: 6650, tls: false });
    expect(parseServiceUrl('pulsar+ssl://h')).toEqual({ host: 'h', port: 6651, tls: true });
    expect(parseServiceUrl('pulsar+ssl://h:7000,h2:7000/')).toEqual({ host: 'h', port: 7000, tls: true });
    expect(parseServiceUrl('PULSAR+SSL://[::1]:7001')).toEqual({ host: '::1', port: 7001, tls: true });
  });

  it('refuses other schemes', () => {
    expect(() => parseServiceUrl('http://h:8080')).toThrow(/pulsar\+ssl/);
  });
});
