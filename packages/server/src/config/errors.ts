/**
 * Configuration problems are operator errors, not programmer errors: the loader collects every one
 * of them (so a single run shows everything wrong with a file) and reports them as data, which the
 * CLI prints as plain lines instead of a stack trace.
 */

/** One thing wrong with one configuration value, or with a whole source (an unreadable file). */
export interface ConfigProblem {
  /** Where the value came from, e.g. `file broker.conf:12`, `env MAGNETAR_BROKER_SERVICE_PORT`, `flag --port`. */
  source: string;
  /** The setting's name as written in the source; absent when the whole source is at fault. */
  key?: string;
  /** The offending value as written; absent when there is none (an unknown key, a missing file). */
  value?: string;
  /** What would have been accepted, in words. */
  expected: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
  /** The same configuration fails the same way until the operator edits it. */
  readonly retriable = false;
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    this.problems = problems;
  }

  /** One human-readable line per problem, for printing to a terminal. */
  lines(): string[] {
    return this.problems.map(formatProblem);
  }
}

export function isConfigError(err: unknown): err is ConfigError {
  return err instanceof ConfigError;
}

export function formatProblem(p: ConfigProblem): string {
  const what = p.key === undefined ? '' : ` ${p.key}`;
  const got = p.value === undefined ? '' : ` = ${JSON.stringify(p.value)}`;
  return `${p.source}:${what}${got}: expected ${p.expected}`;
}
