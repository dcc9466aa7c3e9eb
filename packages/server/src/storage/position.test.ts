import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  comparePositions,
  maxPosition,
  minPosition,
  parsePosition,
  position,
  positionToString,
} from './position.js';

describe('position', () => {
  it('orders by ledger then entry', () => {
    expect(comparePositions(position(1, 5), position(2, 0))).toBeLessThan(0);
    expect(comparePositions(position(2, 1), position(2, 0))).toBeGreaterThan(0);
    expect(comparePositions(position(3, -1), position(3, -1))).toBe(0);
    expect(minPosition(position(1, 9), position(2, 0))).toEqual(position(1, 9));
    expect(maxPosition(position(1, 9), position(2, 0))).toEqual(position(2, 0));
  });

  it('round-trips through its string form', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: -1, max: 1e9 }), (l, e) => {
        expect(parsePosition(positionToString(position(l, e)))).toEqual(position(l, e));
      }),
    );
    expect(() => parsePosition('1-2')).toThrow();
  });
});
