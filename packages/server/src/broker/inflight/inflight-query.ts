/**
 * The query of GET …/subscription/{sub}/inflight (a Magnetar extension): filters, page size and the
 * opaque page cursor, read from the query string and checked once so the listing works on numbers.
 */
import { badRequest } from '../../resources/errors.js';

/** Entries per page when `limit` is not given, and the most one page may hold. */
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

/**
 * Where a page ends: entries are listed in (deliveredAt, ledgerId, entryId) order, and the next page
 * starts strictly after this key. Acks only remove entries, so the order of those that remain never
 * changes and no entry is skipped or repeated; a redelivered entry gets a new deliveredAt and shows
 * up again, later, as the new delivery it is.
 */
export interface PageKey {
  readonly deliveredAt: number;
  readonly ledgerId: number;
  readonly entryId: number;
}

export interface InflightQuery {
  /** A consumer name, or a consumer id in decimal. */
  readonly consumer?: string;
  /** The message key as the listing shows it (base64 for binary keys). */
  readonly key?: string;
  readonly minAgeMs: number;
  /** Only entries pending longer than the stuck threshold. */
  readonly stuck: boolean;
  readonly limit: number;
  readonly after?: PageKey;
}

export type InflightQueryText = Partial<
  Record<'consumer' | 'key' | 'minAgeMs' | 'stuck' | 'limit' | 'cursor', string>
>;

export function parseInflightQuery(q: InflightQueryText): InflightQuery {
  const limit = q.limit === undefined ? DEFAULT_PAGE_LIMIT : wholeNumber(q.limit, 'limit');
  if (limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw badRequest(`limit must be between 1 and ${MAX_PAGE_LIMIT}, got ${q.limit}`);
  }
  return {
    ...(q.consumer ? { consumer: q.consumer } : {}),
    ...(q.key !== undefined ? { key: q.key } : {}),
    minAgeMs: q.minAgeMs === undefined ? 0 : wholeNumber(q.minAgeMs, 'minAgeMs'),
    stuck: q.stuck?.toLowerCase() === 'true',
    limit,
    ...(q.cursor ? { after: decodeCursor(q.cursor) } : {}),
  };
}

/** The cursor is opaque to clients; base64url keeps it safe in a query string. */
export function encodeCursor(k: PageKey): string {
  return Buffer.from(`${k.deliveredAt}.${k.ledgerId}.${k.entryId}`).toString('base64url');
}

export function decodeCursor(text: string): PageKey {
  const m = /^(\d+)\.(-?\d+)\.(-?\d+)$/.exec(Buffer.from(text, 'base64url').toString());
  if (!m) throw badRequest(`Invalid cursor: ${text}`);
  return { deliveredAt: Number(m[1]), ledgerId: Number(m[2]), entryId: Number(m[3]) };
}

export function comparePageKeys(a: PageKey, b: PageKey): number {
  return a.deliveredAt - b.deliveredAt || a.ledgerId - b.ledgerId || a.entryId - b.entryId;
}

function wholeNumber(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw badRequest(`Invalid ${what}: ${text}`);
  return n;
}
