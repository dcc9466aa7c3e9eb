/**
 * Picks one page out of every in-flight entry of a subscription without sorting them all: a page
 * request costs one pass over the pending entries plus a sort of about two pages, so paging
 * through 100,000 pending entries stays linear per page rather than O(n log n).
 */
import { comparePageKeys, type PageKey } from './inflight-query.js';

export interface Selected<T> {
  /** The first `n` items after the cursor, in page-key order. */
  readonly items: T[];
  /** Items after the cursor in all (so the caller knows whether another page follows). */
  readonly afterCount: number;
}

export function selectAfter<T extends { readonly pageKey: PageKey }>(
  items: Iterable<T>,
  after: PageKey | undefined,
  n: number,
): Selected<T> {
  let kept: T[] = [];
  // Once `kept` has been cut to the n smallest, anything not below its largest can never be on the page.
  let ceiling: PageKey | undefined;
  let afterCount = 0;
  const cut = () => {
    kept.sort((a, b) => comparePageKeys(a.pageKey, b.pageKey));
    kept = kept.slice(0, n);
    ceiling = kept[kept.length - 1]?.pageKey;
  };
  for (const item of items) {
    if (after && comparePageKeys(item.pageKey, after) <= 0) continue;
    afterCount++;
    if (ceiling && comparePageKeys(item.pageKey, ceiling) >= 0) continue;
    kept.push(item);
    if (kept.length >= 2 * n) cut();
  }
  cut();
  return { items: kept, afterCount };
}
