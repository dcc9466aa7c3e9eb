/**
 * Resolves the broker configuration from its sources, in increasing precedence:
 * schema defaults < config file < `MAGNETAR_*` environment < overrides (CLI flags).
 * Every value is validated against the schema, and every problem in every source is reported at
 * once in a single ConfigError.
 */
import { ConfigError, type ConfigProblem } from './errors.js';
import { envNameFor, isConfigKey, suggestKey, unknownKeyExpectation } from './names.js';
import { configSchema, defaultConfig, type BrokerConfig } from './schema.js';
import { fromEnv, fromOverrides, readConfigFile, type RawSetting, type SourceResult } from './sources.js';
import { checkJson, checkTyped, parseText } from './values.js';

export interface ConfigSources {
  /** A `.json` file or a Pulsar-style properties file (`.conf`, any other extension). */
  file?: string;
  /** Usually `process.env`; only `MAGNETAR_*` variables are read. */
  env?: NodeJS.ProcessEnv;
  /** Highest precedence; typed values or strings to parse (CLI flags). */
  overrides?: Partial<Record<string, unknown>>;
  /** How overrides are named in error messages; defaults to "command line". */
  overridesSource?: string;
}

export interface ResolvedConfig {
  config: BrokerConfig;
  /** Non-fatal findings, e.g. `MAGNETAR_*` variables that match no setting. */
  warnings: string[];
}

/** Loads and validates the configuration; throws ConfigError listing every problem. */
export function loadConfig(sources: ConfigSources): BrokerConfig {
  return resolveConfig(sources).config;
}

/** As loadConfig, but also returns warnings the caller may want to log. */
export function resolveConfig(sources: ConfigSources): ResolvedConfig {
  const results: SourceResult[] = [];
  const warnings: string[] = [];
  if (sources.file !== undefined) results.push(readConfigFile(sources.file));
  if (sources.env !== undefined) {
    const env = fromEnv(sources.env);
    results.push(env);
    for (const name of env.unknown) warnings.push(unknownEnvWarning(name));
  }
  if (sources.overrides !== undefined) {
    results.push(fromOverrides(sources.overrides, sources.overridesSource ?? 'command line'));
  }

  const config = defaultConfig() as Record<string, unknown>;
  const problems: ConfigProblem[] = [];
  for (const result of results) {
    problems.push(...result.problems);
    // Later settings win, so applying them in order gives the documented precedence.
    for (const setting of result.settings) applySetting(config, setting, problems);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { config: config as BrokerConfig, warnings };
}

function applySetting(config: Record<string, unknown>, s: RawSetting, problems: ConfigProblem[]): void {
  if (!isConfigKey(s.key)) {
    problems.push({ source: s.source, key: s.key, expected: unknownKeyExpectation(s.key) });
    return;
  }
  const field = configSchema[s.key];
  const checked =
    s.mode === 'text'
      ? parseText(field, String(s.value))
      : s.mode === 'json'
        ? checkJson(field, s.value)
        : checkTyped(field, s.value);
  if (checked.ok) config[s.key] = checked.value;
  else
    problems.push({ source: s.source, key: s.key, value: displayValue(s.value), expected: checked.expected });
}

function displayValue(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

function unknownEnvWarning(name: string): string {
  const envNames = Object.keys(configSchema).map(envNameFor);
  const hint = suggestKey(name, envNames);
  const tail = hint === undefined ? '' : ` (did you mean ${hint}?)`;
  return `environment variable ${name} matches no setting and is ignored${tail}`;
}
