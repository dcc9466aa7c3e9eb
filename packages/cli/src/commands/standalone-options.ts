/**
 * Maps `magnetar standalone` flags onto configuration sources. Pure, so it is tested without
 * starting anything: the flags become overrides (the highest precedence), `--config` the file, and
 * the process environment the `MAGNETAR_*` layer.
 */
import type { BrokerConfig, ConfigProblem, ConfigSources } from '@magnetar/server';

/** The options commander hands to the action; every value is still a string. */
export interface StandaloneFlags {
  config?: string;
  dataDir?: string;
  port?: string;
  httpPort?: string;
  bindAddress?: string;
  advertisedAddress?: string;
  /** False only when `--no-fsync` was given. */
  fsync?: boolean;
  logLevel?: string;
  /** standaloneWorkers. */
  workers?: string;
  set?: string[];
}

export const SET_SOURCE = '--set';

/** Splits repeated `--set key=value` flags; a flag without `=` is a problem, not an exception. */
export function parseSetFlags(entries: readonly string[]): {
  overrides: Record<string, string>;
  problems: ConfigProblem[];
} {
  const overrides: Record<string, string> = {};
  const problems: ConfigProblem[] = [];
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) {
      problems.push({
        source: SET_SOURCE,
        value: entry,
        expected: 'key=value, e.g. --set maxMessageSize=1048576',
      });
      continue;
    }
    overrides[entry.slice(0, eq).trim()] = entry.slice(eq + 1);
  }
  return { overrides, problems };
}

/**
 * The configuration sources for these flags. Named flags win over `--set` for the same setting,
 * since they are the more specific way of saying it.
 */
export function standaloneSources(
  flags: StandaloneFlags,
  env: NodeJS.ProcessEnv,
): { sources: ConfigSources; problems: ConfigProblem[] } {
  const { overrides, problems } = parseSetFlags(flags.set ?? []);
  const named: Record<string, unknown> = {
    dataDir: flags.dataDir,
    brokerServicePort: flags.port,
    webServicePort: flags.httpPort,
    bindAddress: flags.bindAddress,
    advertisedAddress: flags.advertisedAddress,
    logLevel: flags.logLevel,
    standaloneWorkers: flags.workers,
    // `--no-fsync` can only turn syncing off; without it, the file or environment decides.
    journalSyncData: flags.fsync === false ? false : undefined,
  };
  for (const [key, value] of Object.entries(named)) if (value !== undefined) overrides[key] = value as string;
  const sources: ConfigSources = { env, overrides, overridesSource: 'command line' };
  if (flags.config !== undefined) sources.file = flags.config;
  return { sources, problems };
}

export type LoadedStandaloneConfig =
  { ok: true; config: BrokerConfig; warnings: string[] } | { ok: false; lines: string[] };

/**
 * Resolves the configuration for these flags, collecting the flags' own problems and the loader's
 * into one list, so that the operator sees everything wrong in one run.
 */
export async function loadStandaloneConfig(
  flags: StandaloneFlags,
  env: NodeJS.ProcessEnv,
): Promise<LoadedStandaloneConfig> {
  // Loaded on demand so that other subcommands do not pay for the server's imports.
  const { resolveConfig, isConfigError, formatProblem } = await import('@magnetar/server');
  const { sources, problems } = standaloneSources(flags, env);
  try {
    const { config, warnings } = resolveConfig(sources);
    if (problems.length === 0) return { ok: true, config, warnings };
  } catch (err) {
    if (!isConfigError(err)) throw err;
    problems.push(...err.problems);
  }
  return { ok: false, lines: problems.map(formatProblem) };
}
