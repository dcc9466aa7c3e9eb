import type { MessageIdData } from '../schema/types-common.js';

/**
 * Long.MAX_VALUE as it reads into a JS number (2^63). The codec saturates 64-bit values at or above
 * 2^63 to Long.MAX_VALUE on encode, so ids built from this constant go out as Long.MAX_VALUE.
 */
export const LONG_MAX_AS_NUMBER = 2 ** 63;

/**
 * Message id helpers. Pulsar orders ids by (ledgerId, entryId, batch_index); an id without a batch
 * index (-1, the proto default) addresses the whole entry and sorts before its batch members.
 */

/**
 * MessageId.earliest in Pulsar clients: (-1, -1) with partition -1. The C++ reader sends it as
 * uint64 0xFFFFFFFFFFFFFFFF, which decodes to -1 here.
 */
export const EARLIEST: Readonly<MessageIdData> = Object.freeze({ ledgerId: -1, entryId: -1 });

/**
 * MessageId.latest in Pulsar clients: (Long.MAX_VALUE, Long.MAX_VALUE). As a JS number that is
 * 2^63; the encoder writes it back as Long.MAX_VALUE, so it round-trips.
 */
export const LATEST: Readonly<MessageIdData> = Object.freeze({
  ledgerId: LONG_MAX_AS_NUMBER,
  entryId: LONG_MAX_AS_NUMBER,
});

export function isEarliest(id: MessageIdData): boolean {
  return id.ledgerId === -1 && id.entryId === -1;
}

export function isLatest(id: MessageIdData): boolean {
  return id.ledgerId >= LONG_MAX_AS_NUMBER && id.entryId >= LONG_MAX_AS_NUMBER;
}

/** -1, 0 or 1 by (ledgerId, entryId, batch_index); a missing batch_index counts as -1. */
export function compareMessageIds(a: MessageIdData, b: MessageIdData): number {
  if (a.ledgerId !== b.ledgerId) return a.ledgerId < b.ledgerId ? -1 : 1;
  if (a.entryId !== b.entryId) return a.entryId < b.entryId ? -1 : 1;
  const ab = a.batch_index ?? -1;
  const bb = b.batch_index ?? -1;
  if (ab !== bb) return ab < bb ? -1 : 1;
  return 0;
}

/** "ledgerId:entryId:partition[:batchIndex]", the form Java's MessageIdImpl.toString prints. */
export function messageIdToString(id: MessageIdData): string {
  const base = `${id.ledgerId}:${id.entryId}:${id.partition ?? -1}`;
  const batch = id.batch_index ?? -1;
  return batch >= 0 ? `${base}:${batch}` : base;
}
