import { describe, expect, it } from 'vitest';
import { configKeys, envNameFor, suggestKey } from './names.js';

describe('envNameFor', () => {
  it('turns camelCase into MAGNETAR_UPPER_SNAKE, keeping acronyms together', () => {
    expect(envNameFor('brokerServicePort')).toBe('MAGNETAR_BROKER_SERVICE_PORT');
    expect(envNameFor('managedLedgerCacheSizeMB')).toBe('MAGNETAR_MANAGED_LEDGER_CACHE_SIZE_MB');
    expect(envNameFor('journalMaxGroupWaitMSec')).toBe('MAGNETAR_JOURNAL_MAX_GROUP_WAIT_M_SEC');
  });

  it('gives every schema key its own variable', () => {
    expect(new Set(configKeys.map(envNameFor)).size).toBe(configKeys.length);
  });
});

describe('suggestKey', () => {
  it('finds near misses and case slips, and nothing for unrelated words', () => {
    expect(suggestKey('brokerservicePort')).toBe('brokerServicePort');
    expect(suggestKey('webServicePrt')).toBe('webServicePort');
    expect(suggestKey('maxMesageSize')).toBe('maxMessageSize');
    expect(suggestKey('zookeeperServers')).toBeUndefined();
  });
});
