import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { registerConfigDocs } from './commands/config-docs.js';
import { registerStandalone } from './commands/standalone.js';
import { createProgram } from './program.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

function program() {
  const out: string[] = [];
  const p = createProgram();
  registerStandalone(p);
  registerConfigDocs(p);
  p.exitOverride();
  p.configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => out.push(s) });
  for (const c of p.commands)
    c.exitOverride().configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => out.push(s) });
  return { p, out };
}

describe('magnetar program', () => {
  it('prints the package version for --version', async () => {
    const { p, out } = program();
    await expect(p.parseAsync(['node', 'magnetar', '--version'])).rejects.toMatchObject({
      code: 'commander.version',
    });
    expect(out.join('')).toBe(`${pkg.version}\n`);
  });

  it('documents every standalone flag in its help', async () => {
    const { p, out } = program();
    await expect(p.parseAsync(['node', 'magnetar', 'standalone', '--help'])).rejects.toMatchObject({
      code: 'commander.helpDisplayed',
    });
    const help = out.join('');
    for (const flag of [
      '--data-dir',
      '--port',
      '--http-port',
      '--config',
      '--bind-address',
      '--advertised-address',
      '--no-fsync',
      '--log-level',
      '--set',
    ]) {
      expect(help).toContain(flag);
    }
  });
});
