/**
 * The CLI's version, read from its package.json at run time. Both `src/` (under vitest) and `dist/`
 * sit one level below the package root, so the same relative URL works for both.
 */
import { readFileSync } from 'node:fs';

export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? '0.0.0';
}
