// What the scale benchmarks (catchup.mjs, topics-10k.mjs, startup-backlog.mjs) read about processes
// and the machine: CPU seconds and RSS from /proc (Linux), the load average, page-cache figures, and
// a `magnetar perf` child whose per-second progress lines are kept with their arrival times.
import { spawn } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { CLI, rssKiB } from './broker.mjs';

/** What every report names the machine by: cores, CPU model, RAM and the Node version. */
export function machine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    ramGiB: gib(totalmem() / 1024),
    node: process.version,
  };
}

/** The median of `values` (the mean of the middle two for an even count); undefined when empty. */
export function median(values) {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The 1-, 5- and 15-minute load averages, as `uptime` prints them. */
export const loadNow = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** utime + stime of a process in seconds (USER_HZ = 100 on Linux), undefined once it is gone. */
export async function cpuSeconds(pid) {
  try {
    const s = await readFile(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * I/O counters of a process from /proc/<pid>/io: `rchar` (bytes its read()/pread() calls returned,
 * page cache or not) and `read_bytes` (bytes fetched from the block device for it).
 */
export async function ioCounters(pid) {
  try {
    const out = {};
    for (const line of (await readFile(`/proc/${pid}/io`, 'utf8')).split('\n')) {
      const m = /^(\w+):\s+(\d+)/.exec(line);
      if (m) out[m[1]] = Number(m[2]);
    }
    return out;
  } catch {
    return undefined;
  }
}

/** /proc/meminfo fields in KiB (MemTotal, MemFree, MemAvailable, Cached, Dirty, ...). */
export async function meminfo() {
  const out = {};
  for (const line of (await readFile('/proc/meminfo', 'utf8')).split('\n')) {
    const m = /^(\w+(?:\(\w+\))?):\s+(\d+)/.exec(line);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

export const gib = (kib) => Math.round((kib / 2 ** 20) * 10) / 10;
export const mib = (kib) => (kib === undefined ? undefined : Math.round((kib / 1024) * 10) / 10);

/** Total size in bytes of the regular files under `dir`, and how many there are. */
export async function dirSize(dir) {
  let bytes = 0;
  let files = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath ?? e.path, e.name);
    bytes += (await stat(p).catch(() => ({ size: 0 }))).size;
    files++;
  }
  return { bytes, files };
}

/**
 * Samples a process's RSS (KiB) and CPU (cumulative seconds) every `intervalMs`; `stop()` returns
 * the samples as { t (ms since start), rssKiB, cpuS }.
 */
export function sampleProcess(pid, intervalMs = 1_000) {
  const t0 = performance.now();
  const samples = [];
  let busy = false;
  const take = async () => {
    if (busy) return;
    busy = true;
    try {
      const [rss, cpu] = await Promise.all([rssKiB(pid), cpuSeconds(pid)]);
      if (rss !== undefined) samples.push({ t: performance.now() - t0, rssKiB: rss, cpuS: cpu });
    } finally {
      busy = false;
    }
  };
  void take();
  const timer = setInterval(take, intervalMs);
  return {
    samples,
    /** performance.now() when sampling started: add it to a sample's `t` for a common clock. */
    startedAt: t0,
    async stop() {
      clearInterval(timer);
      await take();
      return samples;
    },
  };
}

/** min / max / last of the RSS samples taken between two times (ms since the sampler started). */
export function rssStats(samples, from = 0, to = Infinity) {
  const inWindow = samples.filter((s) => s.t >= from && s.t <= to);
  if (inWindow.length === 0) return undefined;
  const v = inWindow.map((s) => s.rssKiB);
  return {
    samples: v.length,
    minMiB: mib(Math.min(...v)),
    maxMiB: mib(Math.max(...v)),
    firstMiB: mib(v[0]),
    lastMiB: mib(v[v.length - 1]),
  };
}

/** CPU share of one core (percent) between the first and last sample of the window. */
export function cpuPct(samples, from = 0, to = Infinity) {
  const w = samples.filter((s) => s.t >= from && s.t <= to && s.cpuS !== undefined);
  if (w.length < 2) return undefined;
  const a = w[0];
  const b = w[w.length - 1];
  return Math.round((100 * (b.cpuS - a.cpuS)) / ((b.t - a.t) / 1000));
}

/**
 * Runs `magnetar perf <argv…> --json` as a child process. Resolves with the parsed JSON result, the
 * stderr progress lines (each with `t`, ms since spawn), the generator's pid and its CPU seconds
 * (sampled until just before it exits). Progress goes to our stderr too, prefixed by `label`.
 */
export function runPerf(argv, { label = 'perf', nodeArgs = [], echo = true } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, CLI, 'perf', ...argv, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines = [];
    let out = '';
    let errTail = '';
    let partial = '';
    let cpuS;
    let peakRssKiB = 0;
    /** { t (ms since spawn), cpuS, rssKiB } every 250 ms, for the generator's CPU over a window. */
    const samples = [];
    const sampler = setInterval(async () => {
      const [c, r] = await Promise.all([cpuSeconds(child.pid), rssKiB(child.pid)]);
      if (c) cpuS = c;
      if (r && r > peakRssKiB) peakRssKiB = r;
      if (c !== undefined && r !== undefined) samples.push({ t: performance.now() - t0, cpuS: c, rssKiB: r });
    }, 250);
    child.stdout.on('data', (d) => (out += d.toString()));
    child.stderr.on('data', (d) => {
      const text = partial + d.toString();
      const parts = text.split('\n');
      partial = parts.pop();
      for (const line of parts) {
        lines.push({ t: performance.now() - t0, line });
        if (echo) process.stderr.write(`${label}: ${line}\n`);
      }
      errTail = (errTail + d.toString()).slice(-4000);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      clearInterval(sampler);
      if (code !== 0) {
        reject(new Error(`magnetar perf ${argv.join(' ')} exited with ${code}\n${errTail}`));
        return;
      }
      try {
        const result = JSON.parse(out.trim().split('\n').pop());
        resolve({
          result,
          lines,
          cpuS,
          samples,
          peakRssKiB,
          wallS: (performance.now() - t0) / 1000,
          pid: child.pid,
          startedAt: t0,
        });
      } catch (err) {
        reject(new Error(`could not parse the perf output: ${err.message}\n${out.slice(-2000)}`));
      }
    });
  });
}

/** The per-second figures of `perf` progress lines (`[  12s] pub … | recv N msg/s X MB/s | …`). */
export function parseProgress(line) {
  const head = /^\[\s*(\d+)s( warm-up)?\]/.exec(line);
  if (!head) return undefined;
  const out = { s: Number(head[1]), warmingUp: Boolean(head[2]) };
  const pub =
    /pub ([\d,]+) msg\/s ([\d.]+) MB\/s \| p50 ([\d.]+) p95 ([\d.]+) p99 ([\d.]+) p99\.9 ([\d.]+) max ([\d.]+) ms/.exec(
      line,
    );
  if (pub) {
    out.pub = {
      msgPerSec: Number(pub[1].replace(/,/g, '')),
      mbPerSec: Number(pub[2]),
      p50: Number(pub[3]),
      p99: Number(pub[5]),
      max: Number(pub[7]),
    };
  }
  const recv =
    /recv ([\d,]+) msg\/s ([\d.]+) MB\/s \| e2e p50 ([\d.]+) p95 ([\d.]+) p99 ([\d.]+) p99\.9 ([\d.]+) max ([\d.]+) ms/.exec(
      line,
    );
  if (recv) {
    out.recv = {
      msgPerSec: Number(recv[1].replace(/,/g, '')),
      mbPerSec: Number(recv[2]),
      p50: Number(recv[3]),
      p99: Number(recv[5]),
      max: Number(recv[7]),
    };
  }
  return out;
}

/** Minimal `--name value` / `--flag` parser shared by the scale benchmarks. */
export function parseArgs(list, flags = []) {
  const out = {};
  for (let i = 0; i < list.length; i++) {
    const m = /^--([a-z0-9-]+)$/.exec(list[i]);
    if (!m) throw new Error(`unknown argument ${list[i]}`);
    if (flags.includes(m[1])) out[m[1]] = true;
    else out[m[1]] = list[++i];
  }
  return out;
}

/** "1 GB", "10GB", "500MB", "2GiB" or a plain byte count → bytes. */
export function parseSize(text) {
  const m = /^([\d.]+)\s*(k|m|g|t)?(i)?b?$/i.exec(String(text).trim());
  if (!m) throw new Error(`cannot read size "${text}"`);
  const unit = (m[2] ?? '').toLowerCase();
  const base = m[3] ? 1024 : 1000;
  const exp = { '': 0, k: 1, m: 2, g: 3, t: 4 }[unit];
  return Math.round(Number(m[1]) * base ** exp);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
