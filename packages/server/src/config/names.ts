/**
 * Names of settings outside the schema: the environment variable for each key, and the "did you
 * mean" hint for misspelt keys.
 */
import { configSchema, type ConfigKey } from './schema.js';

export const ENV_PREFIX = 'MAGNETAR_';

/**
 * `brokerServicePort` → `MAGNETAR_BROKER_SERVICE_PORT`. Runs of capitals stay one word except for
 * their last letter when a lower-case letter follows (`MSec` → `M_SEC`), the usual convention.
 */
export function envNameFor(key: string): string {
  const snake = key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toUpperCase();
  return ENV_PREFIX + snake;
}

export function isConfigKey(key: string): key is ConfigKey {
  return Object.prototype.hasOwnProperty.call(configSchema, key);
}

export const configKeys = Object.keys(configSchema) as ConfigKey[];

/** The known key closest to `key`, if it is close enough to be a plausible typo. */
export function suggestKey(key: string, candidates: readonly string[] = configKeys): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate.toLowerCase() === lower) return candidate;
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  // A third of the word may be wrong before the hint stops being useful.
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** Levenshtein distance with a single rolling row. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The text for an unknown key's problem, with a hint when there is a near miss. */
export function unknownKeyExpectation(key: string): string {
  const hint = suggestKey(key);
  return hint === undefined
    ? 'a known setting (see docs/configuration.md)'
    : `a known setting (did you mean ${hint}?)`;
}
