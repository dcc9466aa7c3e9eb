import { describe, expect, it } from 'vitest';
import type { PageKey } from './inflight-query.js';
import { selectAfter } from './page-select.js';

const key = (deliveredAt: number, entryId: number): { pageKey: PageKey } => ({
  pageKey: { deliveredAt, ledgerId: 1, entryId },
});

describe('selectAfter', () => {
  it('pages through shuffled items in key order, each exactly once', () => {
    const all = Array.from({ length: 5003 }, (_, i) => key(Math.floor(i / 7), i));
    const shuffled = [...all].sort(() => Math.random() - 0.5);
    const seen: number[] = [];
    let after: PageKey | undefined;
    for (;;) {
      const page = selectAfter(shuffled, after, 100);
      expect(page.afterCount).toBe(all.length - seen.length);
      if (page.items.length === 0) break;
      seen.push(...page.items.map((i) => i.pageKey.entryId));
      after = page.items[page.items.length - 1]!.pageKey;
    }
    expect(seen).toEqual(all.map((i) => i.pageKey.entryId));
  });

  it('keeps its place when items before the cursor disappear (acks)', () => {
    const all = Array.from({ length: 10 }, (_, i) => key(i, i));
    const first = selectAfter(all, undefined, 4);
    const acked = all.filter((_, i) => i % 2 === 0);
    const second = selectAfter(acked, first.items[3]!.pageKey, 4);
    expect(second.items.map((i) => i.pageKey.entryId)).toEqual([4, 6, 8]);
  });
});
