import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatSeconds,
  formatSize,
  parseRelativeTimeSeconds,
  parseSize,
  secondsToMinutes,
  sizeToMB,
} from './units.js';

describe('parseSize (pulsar-admin ByteUnitUtil)', () => {
  it('reads bytes and K/M/G/T in either case, and -1', () => {
    expect(parseSize('4096')).toBe(4096);
    expect(parseSize('100K')).toBe(100 * 1024);
    expect(parseSize('10M')).toBe(10 * 1024 ** 2);
    expect(parseSize('5g')).toBe(5 * 1024 ** 3);
    expect(parseSize('2T')).toBe(2 * 1024 ** 4);
    expect(parseSize('0')).toBe(0);
    expect(parseSize('-1')).toBe(-1);
  });

  it('refuses anything else with the accepted forms in the message', () => {
    for (const bad of ['', '10X', 'G', '1.5G', '-2', '-1G', '10 G', '0x10', '1e3']) {
      expect(() => parseSize(bad), bad).toThrow(/valid forms are 4096, 100K, 10M, 16G, 2T or -1/);
    }
    expect(() => parseSize('99999999T')).toThrow(/too large/);
  });

  it('returns a non-negative safe integer or -1 for every accepted string, throws an Error otherwise', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          const n = parseSize(s);
          return n === -1 || (Number.isSafeInteger(n) && n >= 0);
        } catch (err) {
          return err instanceof Error;
        }
      }),
    );
  });

  it('round-trips with formatSize', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (n) => parseSize(formatSize(n)) === n));
    expect(formatSize(-1)).toBe('unlimited');
    expect(formatSize(10 * 1024 ** 3)).toBe('10G');
  });
});

describe('parseRelativeTimeSeconds (pulsar-admin RelativeTimeUtil)', () => {
  it('reads s/m/h/d/w/y in either case, bare seconds, and -1', () => {
    expect(parseRelativeTimeSeconds('30')).toBe(30);
    expect(parseRelativeTimeSeconds('30s')).toBe(30);
    expect(parseRelativeTimeSeconds('30m')).toBe(1800);
    expect(parseRelativeTimeSeconds('2h')).toBe(7200);
    expect(parseRelativeTimeSeconds('3d')).toBe(3 * 86_400);
    expect(parseRelativeTimeSeconds('1W')).toBe(7 * 86_400);
    expect(parseRelativeTimeSeconds('1y')).toBe(365 * 86_400);
    // As in pulsar-admin, the unit's case does not matter: "3M" is three minutes, not months.
    expect(parseRelativeTimeSeconds('3M')).toBe(180);
    expect(parseRelativeTimeSeconds('-1')).toBe(-1);
  });

  it('refuses other forms', () => {
    for (const bad of ['', 'h', '1.5h', '-1h', '-5', '3 d', '3mo']) {
      expect(() => parseRelativeTimeSeconds(bad), bad).toThrow(/valid forms are/);
    }
  });

  it('round-trips with formatSeconds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 9 }),
        (n) => parseRelativeTimeSeconds(formatSeconds(n)) === n,
      ),
    );
  });
});

describe('retention units as pulsar-admin sends them', () => {
  it('converts to whole MB and minutes, keeping -1', () => {
    expect(sizeToMB(parseSize('10G'))).toBe(10240);
    expect(sizeToMB(parseSize('512K'))).toBe(0);
    expect(sizeToMB(-1)).toBe(-1);
    expect(secondsToMinutes(parseRelativeTimeSeconds('3d'))).toBe(4320);
    expect(secondsToMinutes(parseRelativeTimeSeconds('90s'))).toBe(1);
    expect(secondsToMinutes(-1)).toBe(-1);
  });
});
