/**
 * Turns each configuration source into a list of raw settings tagged with where they came from.
 * Nothing here validates values; `load.ts` does that uniformly for every source.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { ConfigProblem } from './errors.js';
import { ENV_PREFIX, configKeys, envNameFor } from './names.js';
import { parseProperties } from './properties.js';

/** How a raw value is to be read: text to parse, a JSON value, or a typed programmatic value. */
export type RawMode = 'text' | 'json' | 'typed';

export interface RawSetting {
  source: string;
  key: string;
  value: unknown;
  mode: RawMode;
}

export interface SourceResult {
  settings: RawSetting[];
  problems: ConfigProblem[];
}

/**
 * Reads a `.json` file (one object of settings) or a properties file (any other extension, as
 * Pulsar's `broker.conf`). As in Pulsar, an empty value in a properties file leaves the default.
 */
export function readConfigFile(path: string): SourceResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    return { settings: [], problems: [{ source: `file ${path}`, expected: `a readable file (${reason})` }] };
  }
  return extname(path).toLowerCase() === '.json' ? fromJson(path, text) : fromProperties(path, text);
}

function fromJson(path: string, text: string): SourceResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return {
      settings: [],
      problems: [{ source: `file ${path}`, expected: `valid JSON (${(err as Error).message})` }],
    };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { settings: [], problems: [{ source: `file ${path}`, expected: 'a JSON object of settings' }] };
  }
  const settings = Object.entries(parsed).map(([key, value]): RawSetting => ({
    source: `file ${path}`,
    key,
    value,
    mode: 'json',
  }));
  return { settings, problems: [] };
}

function fromProperties(path: string, text: string): SourceResult {
  const { entries, malformed } = parseProperties(text);
  const problems = malformed.map((m): ConfigProblem => ({
    source: `file ${path}:${m.line}`,
    value: m.text,
    expected: 'a key=value line or a # comment',
  }));
  const settings = entries
    .filter((e) => e.value !== '')
    .map((e): RawSetting => ({ source: `file ${path}:${e.line}`, key: e.key, value: e.value, mode: 'text' }));
  return { settings, problems };
}

/**
 * Reads `MAGNETAR_<UPPER_SNAKE>` variables for every schema key. An empty variable counts as unset,
 * which is how shells and container runtimes usually express "no value".
 */
export function fromEnv(env: NodeJS.ProcessEnv): SourceResult & { unknown: string[] } {
  const settings: RawSetting[] = [];
  const known = new Set<string>();
  for (const key of configKeys) {
    const name = envNameFor(key);
    known.add(name);
    const value = env[name];
    if (value !== undefined && value !== '')
      settings.push({ source: `env ${name}`, key, value, mode: 'text' });
  }
  // Unknown MAGNETAR_ variables are reported separately, not as errors: tools and tests may set
  // their own variables under the same prefix.
  const unknown = Object.keys(env).filter((n) => n.startsWith(ENV_PREFIX) && !known.has(n));
  return { settings, problems: [], unknown };
}

/** Programmatic overrides (CLI flags); values may be typed or strings still to parse. */
export function fromOverrides(overrides: Partial<Record<string, unknown>>, source: string): SourceResult {
  const settings = Object.entries(overrides)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]): RawSetting => ({ source, key, value, mode: 'typed' }));
  return { settings, problems: [] };
}
