import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { loadConfig, resolveConfig } from './load.js';
import { defaultConfig } from './schema.js';

const dir = mkdtempSync(join(tmpdir(), 'magnetar-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCounter = 0;
function file(name: string, text: string): string {
  const path = join(dir, `${fileCounter++}-${name}`);
  writeFileSync(path, text);
  return path;
}

function problemsOf(fn: () => unknown): ConfigError['problems'] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig precedence', () => {
  it('returns the defaults when there are no sources', () => {
    expect(loadConfig({})).toEqual(defaultConfig());
  });

  it('applies file < environment < overrides', () => {
    const conf = file('a.conf', 'brokerServicePort=7000\nwebServicePort=7001\nclusterName=from-file\n');
    const env = { MAGNETAR_WEB_SERVICE_PORT: '7101', MAGNETAR_CLUSTER_NAME: 'from-env' };
    const config = loadConfig({ file: conf, env, overrides: { clusterName: 'from-flag' } });
    expect(config.brokerServicePort).toBe(7000);
    expect(config.webServicePort).toBe(7101);
    expect(config.clusterName).toBe('from-flag');
    expect(config.maxMessageSize).toBe(defaultConfig().maxMessageSize);
  });

  it('reads JSON files with native types', () => {
    const json = file('b.json', JSON.stringify({ journalSyncData: false, logLevel: 'debug', dataDir: '/x' }));
    expect(loadConfig({ file: json })).toMatchObject({
      journalSyncData: false,
      logLevel: 'debug',
      dataDir: '/x',
    });
  });

  it('reads properties with comments, blank lines, spaces and empty values (left at default)', () => {
    const conf = file(
      'c.conf',
      '# a comment\n! another\n\n  brokerServicePort = 6651  \r\nadvertisedAddress=\nclusterName=\n',
    );
    const config = loadConfig({ file: conf });
    expect(config.brokerServicePort).toBe(6651);
    expect(config.clusterName).toBe('standalone');
  });

  it('reads MAGNETAR_ variables, including acronyms in the key', () => {
    const env = { MAGNETAR_JOURNAL_SYNC_DATA: 'false', MAGNETAR_JOURNAL_MAX_GROUP_WAIT_M_SEC: '5' };
    expect(loadConfig({ env })).toMatchObject({ journalSyncData: false, journalMaxGroupWaitMSec: 5 });
  });

  it('treats an empty environment variable as unset', () => {
    expect(loadConfig({ env: { MAGNETAR_BROKER_SERVICE_PORT: '' } }).brokerServicePort).toBe(6650);
  });

  it('accepts string overrides as flags deliver them', () => {
    const config = loadConfig({ overrides: { brokerServicePort: '0', journalSyncData: 'false' } });
    expect(config).toMatchObject({ brokerServicePort: 0, journalSyncData: false });
  });

  it('warns about, but does not reject, unknown MAGNETAR_ variables', () => {
    const { warnings } = resolveConfig({ env: { MAGNETAR_BROKER_SERVCE_PORT: '1' } });
    expect(warnings).toEqual([expect.stringContaining('did you mean MAGNETAR_BROKER_SERVICE_PORT?')]);
  });
});

describe('loadConfig validation', () => {
  it.each([
    ['brokerServicePort', '65536', 'an integer from 0 to 65535'],
    ['brokerServicePort', '-1', 'an integer from 0 to 65535'],
    ['brokerServicePort', '12.5', 'an integer from 0 to 65535'],
    ['brokerServicePort', '0x10', 'an integer from 0 to 65535'],
    ['journalSyncData', 'yes', '"true" or "false"'],
    ['journalSyncData', 'TRUE', '"true" or "false"'],
    ['logLevel', 'verbose', 'one of fatal, error, warn, info, debug, trace, silent'],
  ])('rejects %s=%s from every text source', (key, value, expected) => {
    const conf = file('bad.conf', `${key}=${value}\n`);
    const env = { [`MAGNETAR_${key.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`]: value };
    const problems = problemsOf(() => loadConfig({ file: conf, env, overrides: { [key]: value } }));
    expect(problems).toHaveLength(3);
    for (const p of problems) expect(p).toMatchObject({ key, value, expected });
    expect(problems.map((p) => p.source)).toEqual([
      `file ${conf}:1`,
      expect.stringMatching(/^env MAGNETAR_/),
      'command line',
    ]);
  });

  it('rejects wrongly typed JSON values, including numbers written as strings', () => {
    const json = file(
      'bad.json',
      JSON.stringify({ brokerServicePort: '6650', journalSyncData: 1, clusterName: 7 }),
    );
    const problems = problemsOf(() => loadConfig({ file: json }));
    expect(problems.map((p) => [p.key, p.expected])).toEqual([
      ['brokerServicePort', 'an integer from 0 to 65535'],
      ['journalSyncData', '"true" or "false"'],
      ['clusterName', 'a string'],
    ]);
  });

  it('names unknown keys and the file, with a hint for near misses', () => {
    const conf = file('unknown.conf', 'brokerServicePrt=1\ntotallyUnrelated=2\n');
    const problems = problemsOf(() => loadConfig({ file: conf }));
    expect(problems).toEqual([
      {
        source: `file ${conf}:1`,
        key: 'brokerServicePrt',
        expected: 'a known setting (did you mean brokerServicePort?)',
      },
      {
        source: `file ${conf}:2`,
        key: 'totallyUnrelated',
        expected: 'a known setting (see docs/configuration.md)',
      },
    ]);
  });

  it('rejects unknown override keys', () => {
    const problems = problemsOf(() =>
      loadConfig({ overrides: { clustername: 'x' }, overridesSource: '--set' }),
    );
    expect(problems).toEqual([
      { source: '--set', key: 'clustername', expected: expect.stringContaining('clusterName') },
    ]);
  });

  it('reports malformed lines, missing files and bad JSON as problems, not crashes', () => {
    const conf = file('syntax.conf', 'brokerServicePort 6650\n=5\n');
    expect(problemsOf(() => loadConfig({ file: conf })).map((p) => p.source)).toEqual([
      `file ${conf}:1`,
      `file ${conf}:2`,
    ]);
    const missing = join(dir, 'nope.conf');
    expect(problemsOf(() => loadConfig({ file: missing }))[0]!.expected).toContain('ENOENT');
    expect(problemsOf(() => loadConfig({ file: file('x.json', '{') }))[0]!.expected).toMatch(/^valid JSON/);
    expect(problemsOf(() => loadConfig({ file: file('y.json', '[1]') }))[0]!.expected).toBe(
      'a JSON object of settings',
    );
  });

  it('collects every problem before failing and prints one line each', () => {
    const err = (() => {
      try {
        loadConfig({ env: { MAGNETAR_MAX_CONNECTIONS: '-5' }, overrides: { logLevel: 'loud', nope: 1 } });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.lines()).toEqual([
      'env MAGNETAR_MAX_CONNECTIONS: maxConnections = "-5": expected an integer from 0 to 10000000',
      'command line: logLevel = "loud": expected one of fatal, error, warn, info, debug, trace, silent',
      'command line: nope: expected a known setting (see docs/configuration.md)',
    ]);
  });
});
