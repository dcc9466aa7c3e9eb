// A/B start-up comparison: alternates two builds of one dist file between cold starts, so that load
// drift on a shared machine hits both sides alike. Used for the lazy compression codecs:
//   node bench/startup-ab.mjs DIST_FILE A.js B.js [pairs=10]
// copies A.js or B.js over DIST_FILE before each run and restores B.js at the end.
import { copyFile } from 'node:fs/promises';
import { median } from './lib/proc.mjs';
import { measureStartupOnce } from './startup.mjs';

const [target, a, b, pairsText] = process.argv.slice(2);
if (!target || !a || !b) {
  process.stderr.write('usage: node bench/startup-ab.mjs DIST_FILE A.js B.js [pairs]\n');
  process.exit(2);
}
const pairs = Number(pairsText ?? 10);
const samples = { A: [], B: [] };
try {
  for (let i = 0; i < pairs; i++) {
    for (const [name, file] of i % 2
      ? [
          ['B', b],
          ['A', a],
        ]
      : [
          ['A', a],
          ['B', b],
        ]) {
      await copyFile(file, target);
      samples[name].push((await measureStartupOnce()).connectMs);
    }
  }
} finally {
  await copyFile(b, target);
}
for (const name of ['A', 'B']) {
  const s = samples[name];
  process.stdout.write(
    `${name}: median ${median(s).toFixed(0)} ms, min ${Math.min(...s).toFixed(0)} ms over ${s.length} cold starts\n`,
  );
}
