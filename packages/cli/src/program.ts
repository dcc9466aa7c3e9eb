/**
 * The root `magnetar` command, without subcommands: bin.ts registers those, and tests build their
 * own program from the same pieces so they never touch process.argv or exit the test runner.
 */
import { Command } from 'commander';
import { cliVersion } from './version.js';

export function createProgram(): Command {
  const version = cliVersion();
  const program = new Command('magnetar')
    .description('Pulsar-compatible event streaming and message queuing in TypeScript')
    .version(version, '-V, --version', 'print the version and exit')
    .showHelpAfterError();
  program
    .command('version')
    .description('print the version and exit')
    .action(() => {
      process.stdout.write(`magnetar ${version} (node ${process.version})\n`);
    });
  return program;
}
