import { describe, expect, it } from 'vitest';
import { evictionTarget } from './backlog-quota.js';

const ledger = (ledgerId: number, entries: number, size: number) => ({
  ledgerId,
  entries,
  size,
  timestamp: 0,
});

describe('evictionTarget', () => {
  it('is null when the whole log fits in the limit', () => {
    expect(evictionTarget([ledger(1, 10, 100), ledger(2, 5, 50)], 150)).toBeNull();
  });

  it('keeps as many of the newest entries as fit, counting whole ledgers from the end', () => {
    // 50 bytes left after ledger 2 (50 bytes): five 10-byte entries of ledger 1 stay.
    expect(evictionTarget([ledger(1, 10, 100), ledger(2, 5, 50)], 100)).toEqual({ ledgerId: 1, entryId: 4 });
    // Nothing fits: everything up to the last entry goes.
    expect(evictionTarget([ledger(1, 10, 100), ledger(2, 5, 50)], 5)).toEqual({ ledgerId: 2, entryId: 4 });
  });
});
