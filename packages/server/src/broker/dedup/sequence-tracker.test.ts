import { describe, expect, it } from 'vitest';
import { SequenceTracker, type SequenceInfo } from './sequence-tracker.js';

const send = (producerName: string, sequenceId: number, highestSequenceId = sequenceId): SequenceInfo => ({
  producerName,
  sequenceId,
  highestSequenceId,
  lastChunk: true,
});

describe('SequenceTracker', () => {
  it('lets a producer send again what failed to be stored, but not what was stored', () => {
    const t = new SequenceTracker();
    expect(t.check(send('a', 0))).toBe('new');
    t.persistedOne(send('a', 0));
    expect(t.check(send('a', 1))).toBe('new');
    expect(t.check(send('a', 2))).toBe('new');
    expect(t.check(send('a', 2))).toBe('in-flight');
    // The writes of 1 and 2 failed: both may come again; 0 is still a duplicate.
    t.failed('a');
    expect(t.check(send('a', 0))).toBe('duplicate');
    expect(t.check(send('a', 1))).toBe('new');
    expect(t.lastPersisted('a')).toBe(0);
    t.failed('b');
    expect(t.check(send('b', 5))).toBe('new');
  });

  it('keeps producers apart and snapshots the first names in order, within the limit', () => {
    const t = new SequenceTracker();
    for (const [name, seq] of [
      ['c', 3],
      ['a', 9],
      ['b', 1],
    ] as const) {
      t.check(send(name, seq));
      t.persistedOne(send(name, seq));
    }
    expect(t.snapshot(2)).toEqual({ a: 9, b: 1 });
    t.restore({ x: 4 });
    expect(t.lastPersisted('a')).toBe(-1);
    expect(t.check(send('x', 4))).toBe('duplicate');
    expect(t.check(send('x', 2, 7))).toBe('duplicate');
    expect(t.check(send('x', 5, 7))).toBe('new');
    expect(t.check(send('x', 6))).toBe('in-flight');
  });
});
