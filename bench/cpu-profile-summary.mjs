// Summarises a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time, and
// the same time grouped by package/module, so BENCHMARKS.md can say where the time goes. Shares
// are of busy time: the idle pseudo-frame is counted apart.
// Usage: node bench/cpu-profile-summary.mjs FILE.cpuprofile [--top 25] [--json]
import { readFile } from 'node:fs/promises';

/** Self time in µs per profile node id, from the sample list and its time deltas. */
export function selfTimes(profile) {
  const self = new Map();
  const { samples = [], timeDeltas = [] } = profile;
  // timeDeltas[i] is the gap before samples[i]; the time until the next sample belongs to sample i.
  for (let i = 0; i < samples.length; i++) {
    const dt = i + 1 < timeDeltas.length ? timeDeltas[i + 1] : 0;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + Math.max(dt, 0));
  }
  return self;
}

/** Shortens a script URL to something readable: package name or path inside the repository. */
export function moduleOf(url) {
  if (!url) return '(native/v8)';
  if (url.startsWith('node:')) return url;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const pkg = /\/packages\/([^/]+)\/(?:dist|src)\/(.*)$/.exec(url);
  if (pkg) return `${pkg[1]}/${pkg[2]}`;
  return url.replace(/^file:\/\//, '');
}

/** V8's pseudo-frames for an event loop with nothing to run. */
const IDLE = new Set(['(idle)']);

export function summarise(profile, top = 25) {
  const self = selfTimes(profile);
  const byFn = new Map();
  const byModule = new Map();
  let total = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const t = self.get(node.id) ?? 0;
    if (t === 0) continue;
    total += t;
    const cf = node.callFrame;
    if (IDLE.has(cf.functionName)) {
      idle += t;
      continue;
    }
    const name = cf.functionName || '(anonymous)';
    const mod = moduleOf(cf.url);
    const key = `${name} ${mod}:${cf.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + t);
    byModule.set(mod, (byModule.get(mod) ?? 0) + t);
  }
  const busy = total - idle;
  // Percentages are of busy time (everything but idle), which is what the process could save.
  const rank = (m) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, pct: busy ? (100 * us) / busy : 0 }));
  return {
    totalMs: total / 1000,
    busyMs: busy / 1000,
    idlePct: total ? (100 * idle) / total : 0,
    functions: rank(byFn),
    modules: rank(byModule),
  };
}

export function formatSummary(s) {
  const row = (r) => `| ${r.pct.toFixed(1)}% | ${r.ms.toFixed(0)} | \`${r.name}\` |`;
  return [
    `Profiled ${s.totalMs.toFixed(0)} ms, of which idle ${s.idlePct.toFixed(0)}%; shares below are of the ` +
      `${s.busyMs.toFixed(0)} ms busy.`,
    '',
    '| self % | self ms | function (module:line) |',
    '| ---: | ---: | --- |',
    ...s.functions.map(row),
    '',
    '| self % | self ms | module |',
    '| ---: | ---: | --- |',
    ...s.modules.map(row),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    process.stderr.write('usage: node bench/cpu-profile-summary.mjs FILE.cpuprofile [--top N] [--json]\n');
    process.exit(2);
  }
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
  const s = summarise(JSON.parse(await readFile(file, 'utf8')), top);
  process.stdout.write(args.includes('--json') ? `${JSON.stringify(s, null, 2)}\n` : `${formatSummary(s)}\n`);
}
