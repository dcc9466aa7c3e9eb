/**
 * Sizes and relative times on the command line, read as pulsar-admin reads them
 * (ByteUnitUtil.validateSizeString, RelativeTimeUtil.parseRelativeTimeInSeconds):
 *   sizes  "4096" (bytes), "100K", "10M", "16G", "2T" (powers of 1024, either case)
 *   times  "30" or "30s", "30m", "2h", "3d", "1w", "1y" (unit in either case; no unit = seconds)
 * "-1" means "no limit" in both. Pure functions, so they are tested without a broker.
 */

const SIZE_UNITS: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
const TIME_UNITS: Record<string, number> = {
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 7 * 86_400,
  y: 365 * 86_400,
};

export const UNLIMITED = -1;

/** Bytes, or -1. Throws a message naming the accepted forms. */
export function parseSize(text: string): number {
  const m = /^(-1|\d+)([kmgtKMGT]?)$/.exec(text.trim());
  if (!m || (m[1] === '-1' && m[2] !== '')) {
    throw new Error(`invalid size '${text}'; valid forms are 4096, 100K, 10M, 16G, 2T or -1`);
  }
  if (m[1] === '-1') return UNLIMITED;
  return checked(Number(m[1]) * (m[2] ? SIZE_UNITS[m[2].toLowerCase()] : 1), text);
}

/** Seconds, or -1. */
export function parseRelativeTimeSeconds(text: string): number {
  const m = /^(-1|\d+)([smhdwySMHDWY]?)$/.exec(text.trim());
  if (!m || (m[1] === '-1' && m[2] !== '')) {
    throw new Error(`invalid time '${text}'; valid forms are 30 (seconds), 30s, 10m, 2h, 3d, 1w, 1y or -1`);
  }
  if (m[1] === '-1') return UNLIMITED;
  return checked(Number(m[1]) * (m[2] ? TIME_UNITS[m[2].toLowerCase()] : 1), text);
}

/** Retention size in whole MB, as pulsar-admin set-retention sends it. */
export function sizeToMB(bytes: number): number {
  return bytes === UNLIMITED ? UNLIMITED : Math.floor(bytes / 1024 ** 2);
}

/** Retention time in whole minutes, as pulsar-admin set-retention sends it. */
export function secondsToMinutes(seconds: number): number {
  return seconds === UNLIMITED ? UNLIMITED : Math.floor(seconds / 60);
}

/** "10G", "1536M", "100" (bytes) or "unlimited": the largest unit that divides exactly. */
export function formatSize(bytes: number): string {
  if (bytes < 0) return 'unlimited';
  for (const unit of ['T', 'G', 'M', 'K']) {
    const factor = SIZE_UNITS[unit.toLowerCase()];
    if (bytes > 0 && bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return String(bytes);
}

/** "3d", "90m", "45s" or "unlimited". */
export function formatSeconds(seconds: number): string {
  if (seconds < 0) return 'unlimited';
  for (const unit of ['w', 'd', 'h', 'm']) {
    const factor = TIME_UNITS[unit];
    if (seconds > 0 && seconds % factor === 0) return `${seconds / factor}${unit}`;
  }
  return `${seconds}s`;
}

function checked(value: number, text: string): number {
  if (!Number.isSafeInteger(value)) throw new Error(`'${text}' is too large`);
  return value;
}
