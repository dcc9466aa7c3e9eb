/**
 * How `magnetar admin` prints: plain lines and aligned two-column tables for people, or the
 * broker's JSON as is with --json, for scripts. Writes go to a stream given by the caller so
 * tests can capture them.
 */

export interface Printer {
  /** True with --json: print what the broker answered, unchanged. */
  readonly json: boolean;
  /** A value as JSON (--json) or through `human` otherwise. */
  value(v: unknown, human: (v: unknown) => string): void;
  line(text: string): void;
}

export function createPrinter(json: boolean, out: NodeJS.WritableStream = process.stdout): Printer {
  return {
    json,
    value(v, human) {
      out.write(json ? `${JSON.stringify(v ?? null, null, 2)}\n` : ensureNewline(human(v)));
    },
    line(text) {
      out.write(`${text}\n`);
    },
  };
}

function ensureNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

/** A list, one item per line (pulsar-admin's output for lists). */
export function lines(v: unknown): string {
  return Array.isArray(v) ? v.map(String).join('\n') : String(v);
}

/** Rows of cells, columns padded to the widest cell; the last column is not padded. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  '))
    .join('\n');
}

/**
 * An object as "key  value" rows, nested objects flattened with dots ("retention_policies.retentionSizeInMB"),
 * arrays joined with commas; empty objects and arrays are left out as noise.
 */
export function keyValues(v: unknown): string {
  const rows: string[][] = [];
  flatten(v, '', rows);
  return table(rows);
}

function flatten(v: unknown, prefix: string, rows: string[][]): void {
  if (Array.isArray(v)) {
    if (v.length > 0)
      rows.push([prefix, v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ')]);
    return;
  }
  if (typeof v === 'object' && v !== null) {
    for (const [k, child] of Object.entries(v)) flatten(child, prefix ? `${prefix}.${k}` : k, rows);
    return;
  }
  rows.push([prefix || 'value', String(v)]);
}

/** What a GET that answered 204 (not set on the namespace) prints for people. */
export const NOT_SET = '(not set: the broker default applies)';
