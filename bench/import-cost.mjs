// What start-up spends on loading code: the median time (and RSS growth) of importing each module
// in a fresh Node process, resolved from packages/server (or packages/cli for the CLI's own
// dependencies). Usage: node bench/import-cost.mjs [runs=5] [module ...]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './lib/proc.mjs';

const SERVER_DIR = fileURLToPath(new URL('../packages/server/', import.meta.url));
const CLI_DIR = fileURLToPath(new URL('../packages/cli/', import.meta.url));
const DEFAULT_MODULES = [
  ['(node boot, nothing imported)', CLI_DIR],
  ['commander', CLI_DIR],
  ['@magnetar/protocol', CLI_DIR],
  ['pino', SERVER_DIR],
  ['fastify', SERVER_DIR],
  ['@magnetar/server', CLI_DIR],
];

function once(mod, cwd) {
  const body = mod.startsWith('(')
    ? 'console.log(JSON.stringify({ ms: 0, bootMs: performance.now(), rssMiB: process.memoryUsage().rss / 1048576 }))'
    : `const r0 = process.memoryUsage().rss; const t = performance.now(); await import(${JSON.stringify(mod)});` +
      ` console.log(JSON.stringify({ ms: performance.now() - t, bootMs: t, rssMiB: (process.memoryUsage().rss - r0) / 1048576 }))`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', body], { cwd, encoding: 'utf8' });
  return JSON.parse(out);
}

const runs = Number(process.argv[2] ?? 5);
const picked = process.argv.length > 3 ? process.argv.slice(3).map((m) => [m, SERVER_DIR]) : DEFAULT_MODULES;
process.stdout.write('| module | import ms (median) | RSS growth MiB (median) |\n| --- | ---: | ---: |\n');
for (const [mod, cwd] of picked) {
  const samples = Array.from({ length: runs }, () => once(mod, cwd));
  const ms = mod.startsWith('(') ? median(samples.map((s) => s.bootMs)) : median(samples.map((s) => s.ms));
  const rss = median(samples.map((s) => s.rssMiB));
  process.stdout.write(`| ${mod} | ${ms.toFixed(0)} | ${rss.toFixed(1)} |\n`);
}
