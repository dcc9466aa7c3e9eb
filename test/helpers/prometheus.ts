/**
 * A strict parser for the Prometheus text exposition format (0.0.4), for tests that read /metrics:
 * every line must be a HELP or TYPE comment or a sample, a metric has at most one TYPE, and label
 * values must be properly quoted and escaped. Anything else throws.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** Metric name → its TYPE (counter, gauge, histogram, summary, untyped). */
  types: Map<string, string>;
}

export function parsePrometheus(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: -?\d+)?$/;
  const labelPair = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      if (types.has(type[1]!)) throw new Error(`duplicate TYPE for ${type[1]}`);
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (/^# HELP \S+ .*$/.test(line)) continue;
    const m = sampleLine.exec(line);
    if (!m) throw new Error(`not a Prometheus text line: ${line}`);
    const labels: Record<string, string> = {};
    let rest = m[2] ?? '';
    while (rest !== '') {
      const pair = labelPair.exec(rest);
      if (!pair) throw new Error(`bad labels in: ${line}`);
      labels[pair[1]!] = pair[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      rest = rest.slice(pair[0].length);
    }
    samples.push({ name: m[1]!, labels, value: parseValue(m[3]!, line) });
  }
  return { samples, types };
}

/** Samples of `name` whose labels include `labels`. */
export function findSamples(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

/** Prometheus reads values with Go's ParseFloat, which takes NaN and Inf in any letter case. */
function parseValue(text: string, line: string): number {
  const raw = text.toLowerCase();
  if (raw === '+inf' || raw === 'inf') return Infinity;
  if (raw === '-inf') return -Infinity;
  if (raw === 'nan') return NaN;
  const value = Number(raw);
  if (Number.isNaN(value)) throw new Error(`bad value in: ${line}`);
  return value;
}
