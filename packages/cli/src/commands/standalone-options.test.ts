import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadStandaloneConfig, parseSetFlags, standaloneSources } from './standalone-options.js';

const dir = mkdtempSync(join(tmpdir(), 'magnetar-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseSetFlags', () => {
  it('splits at the first = and reports entries without a key', () => {
    const { overrides, problems } = parseSetFlags(['a=1', 'b=x=y', 'c=', 'oops', '=5']);
    expect(overrides).toEqual({ a: '1', b: 'x=y', c: '' });
    expect(problems.map((p) => p.value)).toEqual(['oops', '=5']);
  });
});

describe('standaloneSources', () => {
  it('maps named flags to schema keys, over --set of the same key', () => {
    const { sources } = standaloneSources(
      {
        port: '1',
        httpPort: '2',
        dataDir: '/d',
        fsync: false,
        logLevel: 'warn',
        set: ['brokerServicePort=9', 'x=y'],
      },
      {},
    );
    expect(sources.overrides).toEqual({
      brokerServicePort: '1',
      webServicePort: '2',
      dataDir: '/d',
      journalSyncData: false,
      logLevel: 'warn',
      x: 'y',
    });
    expect(sources.file).toBeUndefined();
  });

  it('maps --workers to standaloneWorkers, 1 by default and checked like any setting', async () => {
    expect(standaloneSources({ workers: '2' }, {}).sources.overrides).toEqual({ standaloneWorkers: '2' });
    const byDefault = await loadStandaloneConfig({}, {});
    expect(byDefault.ok && byDefault.config.standaloneWorkers).toBe(1);
    const allCores = await loadStandaloneConfig({ workers: '0' }, {});
    expect(allCores.ok && allCores.config.standaloneWorkers).toBe(0);
    const bad = await loadStandaloneConfig({ workers: 'two' }, {});
    expect(bad.ok ? [] : bad.lines).toEqual([
      expect.stringContaining('standaloneWorkers = "two": expected an integer from 0 to 256'),
    ]);
  });

  it('leaves journalSyncData alone without --no-fsync', () => {
    expect(standaloneSources({ fsync: true }, {}).sources.overrides).toEqual({});
  });
});

describe('loadStandaloneConfig', () => {
  it('applies file < environment < flags', async () => {
    const file = join(dir, 'broker.conf');
    writeFileSync(file, 'brokerServicePort=7000\nwebServicePort=7001\nclusterName=c1\n');
    const loaded = await loadStandaloneConfig(
      { config: file, httpPort: '0', fsync: false },
      { MAGNETAR_WEB_SERVICE_PORT: '7100', MAGNETAR_BROKER_SERVICE_PORT: '7200' },
    );
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.config).toMatchObject({
      clusterName: 'c1',
      brokerServicePort: 7200,
      webServicePort: 0,
      journalSyncData: false,
    });
  });

  it('lists every problem from flags, file and environment at once', async () => {
    const file = join(dir, 'bad.conf');
    writeFileSync(file, 'brokerServicePrt=1\n');
    const loaded = await loadStandaloneConfig(
      { config: file, port: 'abc', set: ['novalue'] },
      { MAGNETAR_JOURNAL_SYNC_DATA: 'maybe' },
    );
    expect(loaded).toEqual({
      ok: false,
      lines: [
        '--set: = "novalue": expected key=value, e.g. --set maxMessageSize=1048576',
        `file ${file}:1: brokerServicePrt: expected a known setting (did you mean brokerServicePort?)`,
        'env MAGNETAR_JOURNAL_SYNC_DATA: journalSyncData = "maybe": expected "true" or "false"',
        'command line: brokerServicePort = "abc": expected an integer from 0 to 65535',
      ],
    });
  });
});
