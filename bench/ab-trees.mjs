// A/B between two built checkouts ("before" and "after"), alternating workloads so that load drift on
// a shared machine hits both sides alike: before, after, before, after, ... Each run is
// `node <tree>/bench/run.mjs --only <name> --json FILE`, so each side runs its own broker, CLI and
// client. Prints every run (with the 1-minute load average before it) and the medians per side.
//
//   node bench/ab-trees.mjs BEFORE_DIR AFTER_DIR --only publish-1kib,rss [--pairs 2]
//        [--duration 20] [--warmup 2] [--json FILE]
//
// BEFORE_DIR must resolve @magnetar/* to its own packages (node_modules/@magnetar/* linking to
// BEFORE_DIR/packages/*), else it runs the after code; check with a file checksum first. When the
// working tree holds other people's uncommitted edits (the load generator in packages/cli, say),
// build AFTER_DIR the same way (git archive HEAD plus the change's files only), or their edits are
// measured as part of the change.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const argv = process.argv.slice(2);
const [beforeDir, afterDir] = argv;
const opts = {};
for (let i = 2; i < argv.length; i += 2) opts[argv[i].replace(/^--/, '')] = argv[i + 1];
if (!beforeDir || !afterDir || !opts.only) {
  process.stderr.write('usage: node bench/ab-trees.mjs BEFORE_DIR AFTER_DIR --only a,b [--pairs 2]\n');
  process.exit(2);
}
const pairs = Number(opts.pairs ?? 2);
const names = opts.only.split(',');
const sides = [
  ['before', resolve(beforeDir)],
  ['after', resolve(afterDir)],
];

function run(tree, name, jsonFile) {
  const args = [join(tree, 'bench/run.mjs'), '--only', name, '--json', jsonFile];
  if (opts.duration) args.push('--duration', opts.duration);
  if (opts.warmup) args.push('--warmup', opts.warmup);
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d.toString()));
    child.once('exit', (code) =>
      code === 0 ? ok() : fail(new Error(`${name} exited ${code}: ${err.slice(-1500)}`)),
    );
  });
}

/** The figures of one run.mjs result, flattened to label → number. */
function figuresOf(result) {
  const out = {};
  for (const row of result.rows) {
    for (const f of row.figures) if (typeof f.value === 'number') out[f.label] = f.value;
    if (typeof row.brokerCpuPct === 'number') out['broker CPU %'] = row.brokerCpuPct;
    if (typeof row.perfCpuPct === 'number') out['generator CPU %'] = row.perfCpuPct;
  }
  if (result.startup) out['start-up ms'] = result.startup.medianConnectMs;
  if (result.rss) out['idle RSS MiB'] = result.rss.mib;
  if (result.rss?.settledMib !== undefined) out['idle RSS after 30 s MiB'] = result.rss.settledMib;
  return out;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const dir = await mkdtemp(join(tmpdir(), 'magnetar-ab-'));
const runs = [];
try {
  for (const name of names) {
    for (let p = 0; p < pairs; p++) {
      for (const [side, tree] of sides) {
        const load = loadavg()[0].toFixed(2);
        const started = new Date().toISOString().slice(11, 19);
        const file = join(dir, `${name}-${side}-${p}.json`);
        await run(tree, name, file);
        const figures = figuresOf(JSON.parse(await readFile(file, 'utf8')));
        const r = {
          name,
          side,
          pair: p,
          started,
          loadBefore: load,
          loadAfter: loadavg()[0].toFixed(2),
          figures,
        };
        runs.push(r);
        process.stdout.write(`${JSON.stringify(r)}\n`);
      }
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

process.stdout.write(
  '\n| workload | figure | before (median) | after (median) | runs before | runs after |\n| --- | --- | ---: | ---: | --- | --- |\n',
);
for (const name of names) {
  const mine = runs.filter((r) => r.name === name);
  const labels = Object.keys(mine[0]?.figures ?? {});
  for (const label of labels) {
    const vals = (side) =>
      mine
        .filter((r) => r.side === side)
        .map((r) => r.figures[label])
        .filter((v) => v !== undefined);
    const b = vals('before');
    const a = vals('after');
    process.stdout.write(
      `| ${name} | ${label} | ${median(b)} | ${median(a)} | ${b.join(', ')} | ${a.join(', ')} |\n`,
    );
  }
}
if (opts.json) await writeFile(opts.json, JSON.stringify(runs, null, 2));
