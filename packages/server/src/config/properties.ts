/**
 * The subset of Java's properties format that Pulsar's broker.conf uses: `key=value` lines, `#` or
 * `!` comments, blank lines. Escapes and line continuations are not supported; no Pulsar setting
 * needs them.
 */

export interface PropertyLine {
  key: string;
  value: string;
  line: number;
}

export interface ParsedProperties {
  entries: PropertyLine[];
  /** Lines that are neither comments, blank nor `key=value`, with their 1-based line numbers. */
  malformed: { line: number; text: string }[];
}

export function parseProperties(text: string): ParsedProperties {
  const entries: PropertyLine[] = [];
  const malformed: { line: number; text: string }[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const trimmed = lines[i]!.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('!')) continue;
    const eq = trimmed.indexOf('=');
    const key = eq < 0 ? '' : trimmed.slice(0, eq).trim();
    if (key === '') {
      malformed.push({ line: i + 1, text: trimmed });
      continue;
    }
    entries.push({ key, value: trimmed.slice(eq + 1).trim(), line: i + 1 });
  }
  return { entries, malformed };
}
