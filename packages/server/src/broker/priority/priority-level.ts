import { parseEntry, type MessageMetadata } from '@magnetar/protocol';
import { PRIORITY_LEVELS } from '../../resources/policies/priority.js';

/** The reserved message property carrying a message's priority (0 lowest … 9 highest). */
export const PRIORITY_PROPERTY = 'magnetar.priority';

/**
 * A message's priority level from its properties: a decimal integer, clamped to 0–9; absent or
 * unreadable is 0, so messages of producers that know nothing of priority are the lowest level.
 */
export function priorityOf(meta: MessageMetadata | undefined): number {
  const props = meta?.properties;
  if (!props) return 0;
  for (const kv of props) {
    if (kv.key !== PRIORITY_PROPERTY) continue;
    const n = Number.parseInt(kv.value, 10);
    if (!Number.isFinite(n) || n < 0) return 0;
    return Math.min(n, PRIORITY_LEVELS - 1);
  }
  return 0;
}

/** The priority level of a stored entry (its MessageMetadata; a batch has its entry's level). */
export function priorityOfEntry(data: Buffer): number {
  try {
    return priorityOf(parseEntry(data).metadata);
  } catch {
    // A damaged entry still goes out (the client's checksum check reports it), at the lowest level.
    return 0;
  }
}
