/**
 * Conversions for MessageIdData.ack_set / CommandMessage.ack_set: repeated int64 words, bit i of
 * word w set = batch index 64·w + i still unacknowledged (facts §1.7). On the wire the words are
 * JavaScript numbers (signed); the cursor keeps them as unsigned bigints.
 *
 * Precision: the protocol codec reads int64 as a double, so a word is exact only while its signed
 * value lies within ±2^53 — always the case for batches of up to 53 messages, and for larger ones
 * whenever bits 53..63 are all equal. See the report in the queue-semantics issue note.
 */

/** Unsigned 64-bit words from wire numbers. */
export function wordsFromWire(words: readonly number[]): bigint[] {
  return words.map((w) => (Number.isFinite(w) ? BigInt.asUintN(64, BigInt(Math.trunc(w))) : 0n));
}

/** Wire numbers (signed, as clients expect) from unsigned words. */
export function wordsToWire(words: readonly bigint[]): number[] {
  return words.map((w) => Number(BigInt.asIntN(64, w)));
}

/** True when an ack_set still has some index set, i.e. it acknowledges only part of a batch. */
export function hasUnackedBits(words: readonly number[] | undefined): boolean {
  return (words ?? []).some((w) => w !== 0);
}

/** Number of set bits among indexes [0, limit). */
export function countUnacked(words: readonly bigint[], limit: number): number {
  let n = 0;
  for (let w = 0; w < words.length && w * 64 < limit; w++) {
    let v = words[w];
    const bits = Math.min(64, limit - w * 64);
    if (bits < 64) v &= (1n << BigInt(bits)) - 1n;
    while (v !== 0n) {
      v &= v - 1n;
      n++;
    }
  }
  return n;
}
