import { readFileSync } from 'node:fs';
import { configSchema, describeField, envNameFor } from '@magnetar/server';
import { describe, expect, it } from 'vitest';
import { renderConfigDocs } from './config-docs.js';

const docsPath = new URL('../../../../docs/configuration.md', import.meta.url);

/**
 * Table padding is ignored, so the page may be run through prettier (which aligns Markdown tables)
 * without failing this test; any change of content still does.
 */
function normalise(markdown: string): string[] {
  return markdown
    .trimEnd()
    .split('\n')
    .map((line) =>
      line.startsWith('|')
        ? line
            .split(/(?<!\\)\|/)
            .map((c) => c.trim().replace(/^:?-+:?$/, '-'))
            .join('|')
        : line,
    );
}

describe('magnetar config-docs', () => {
  it('matches docs/configuration.md (regenerate with `magnetar config-docs > docs/configuration.md`)', () => {
    const committed = readFileSync(docsPath, 'utf8');
    expect(normalise(committed)).toEqual(
      normalise(renderConfigDocs(configSchema, envNameFor, describeField)),
    );
  });

  it('has one row per setting with its environment variable', () => {
    const text = renderConfigDocs(configSchema, envNameFor, describeField);
    const rows = text.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows).toHaveLength(Object.keys(configSchema).length);
    expect(text).toContain(
      '| `brokerServicePort` | `6650` | `MAGNETAR_BROKER_SERVICE_PORT` | an integer from 0 to 65535 |',
    );
  });
});
