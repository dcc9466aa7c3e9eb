// The security options of `magnetar produce`, `consume` and `perf`: how commander hands them over,
// how they are checked, and what they become in the client's configuration.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConsumeOptions } from './commands/consume.js';
import { parseProduceOptions } from './commands/produce.js';
import { parsePerfOptions, optionWarnings, PerfOptionError } from './perf/options.js';
import {
  NO_CLIENT_SECURITY,
  addClientSecurityOptions,
  checkServiceUrl,
  clientSecurityConfig,
  describeClientError,
  parseClientSecurity,
  type ClientSecurityFlags,
} from './security-options.js';

const TOKEN_PLUGIN = 'org.apache.pulsar.client.impl.auth.AuthenticationToken';
const BASIC_PLUGIN = 'org.apache.pulsar.client.impl.auth.AuthenticationBasic';
const TLS_PLUGIN = 'org.apache.pulsar.client.impl.auth.AuthenticationTls';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'magnetar-cli-security-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The flags commander produces for `args` on a command with the security options. */
function flagsOf(...args: string[]): ClientSecurityFlags {
  const cmd = addClientSecurityOptions(new Command('x').exitOverride());
  cmd.parse(args, { from: 'user' });
  return cmd.opts<ClientSecurityFlags>();
}

describe('command line', () => {
  it('takes pulsar-client / pulsar-perf option names', () => {
    const flags = flagsOf(
      '--auth-plugin',
      TOKEN_PLUGIN,
      '--auth-params',
      'token:abc',
      '--tls-trust-certs-file-path',
      '/ca.pem',
      '--tls-allow-insecure-connection',
      '--tls-enable-hostname-verification',
      '--tls-cert-file',
      '/c.pem',
      '--tls-key-file',
      '/k.pem',
      '--listener-name',
      'external',
    );
    expect(parseClientSecurity(flags)).toEqual({
      credentials: { kind: 'token', token: { value: 'abc' } },
      trustCertsFile: '/ca.pem',
      allowInsecureConnection: true,
      validateHostname: true,
      certFile: '/c.pem',
      keyFile: '/k.pem',
      listenerName: 'external',
    });
  });

  it('accepts pulsar-perf’s spellings without showing them in --help', () => {
    const flags = flagsOf('--trust-cert-file', '/ca.pem', '--tls-allow-insecure', '--token', 't');
    expect(parseClientSecurity(flags)).toMatchObject({
      credentials: { kind: 'token', token: { value: 't' } },
      trustCertsFile: '/ca.pem',
      allowInsecureConnection: true,
    });
    const help = addClientSecurityOptions(new Command('x')).helpInformation();
    expect(help).toContain('--tls-trust-certs-file-path');
    expect(help).toContain('--listener-name');
    expect(help).not.toContain('--trust-cert-file');
    expect(help).not.toMatch(/--tls-allow-insecure\s/);
  });

  it('defaults to no credentials and verified TLS', () => {
    expect(parseClientSecurity(flagsOf())).toEqual(NO_CLIENT_SECURITY);
  });

  it('refuses contradictions and half-given pairs', () => {
    expect(() => parseClientSecurity({ token: 'a', authPlugin: TOKEN_PLUGIN })).toThrow(/either --token/);
    expect(() => parseClientSecurity({ tlsCertFile: '/c.pem' })).toThrow(/go together/);
    expect(() => parseClientSecurity({ tlsKeyFile: '/k.pem' })).toThrow(/go together/);
    expect(() => parseClientSecurity({ listenerName: ' ' })).toThrow(/--listener-name must not be empty/);
    expect(() => parseClientSecurity({ tlsTrustCertsFilePath: '/a', trustCertFile: '/b' })).toThrow(
      /not both/,
    );
    expect(() => parseClientSecurity({ authPlugin: 'oauth2' })).toThrow(/unsupported --auth-plugin/);
  });
});

describe('service URL checks', () => {
  it('refuses the tls plugin over pulsar:// and warns about TLS files there', () => {
    const tlsAuth = parseClientSecurity({
      authPlugin: TLS_PLUGIN,
      authParams: 'tlsCertFile:/c,tlsKeyFile:/k',
    });
    expect(() => checkServiceUrl(tlsAuth, 'pulsar://h:6650')).toThrow(/pulsar\+ssl/);
    expect(checkServiceUrl(tlsAuth, 'pulsar+ssl://h:6651').warnings).toEqual([]);
    const files = parseClientSecurity({ tlsTrustCertsFilePath: '/ca.pem' });
    expect(checkServiceUrl(files, 'pulsar://h:6650').warnings).toEqual([
      '--tls-trust-certs-file-path ignored: pulsar://h:6650 does not use TLS (pulsar+ssl://)',
    ]);
    expect(checkServiceUrl(files, 'PULSAR+SSL://h:6651').warnings).toEqual([]);
  });
});

describe('client configuration', () => {
  it('maps TLS files and the listener name onto ClientConfig', async () => {
    const config = await clientSecurityConfig(
      parseClientSecurity({
        tlsTrustCertsFilePath: '/ca.pem',
        tlsCertFile: '/c.pem',
        tlsKeyFile: '/k.pem',
        tlsAllowInsecureConnection: true,
        listenerName: 'external',
      }),
    );
    expect(config).toEqual({
      tlsTrustCertsFilePath: '/ca.pem',
      tlsCertificateFilePath: '/c.pem',
      tlsPrivateKeyFilePath: '/k.pem',
      tlsAllowInsecureConnection: true,
      tlsValidateHostname: false,
      listenerName: 'external',
    });
  });

  it('--token inline becomes AuthenticationToken', async () => {
    const { authentication } = await clientSecurityConfig(parseClientSecurity({ token: 'eyJ.inline' }));
    expect(authentication?.authMethodName).toBe('token');
    expect((await authentication!.getAuthData()).toString()).toBe('eyJ.inline');
  });

  it('a token file is checked at once and read again for every fresh token', async () => {
    const file = join(dir, 'client.jwt');
    await writeFile(file, 'first\n');
    const { authentication } = await clientSecurityConfig(
      parseClientSecurity({ authPlugin: 'token', authParams: pathToFileURL(file).href }),
    );
    expect((await authentication!.getAuthData()).toString()).toBe('first');
    await writeFile(file, 'rotated\n');
    expect((await authentication!.getAuthData()).toString()).toBe('rotated');
    await expect(
      clientSecurityConfig(parseClientSecurity({ token: pathToFileURL(join(dir, 'missing')).href })),
    ).rejects.toThrow(/cannot read the token file .*ENOENT/);
  });

  it('basic and tls plugins become AuthenticationBasic and AuthenticationTls', async () => {
    const basic = await clientSecurityConfig(
      parseClientSecurity({ authPlugin: BASIC_PLUGIN, authParams: '{"userId":"bob","password":"p:w"}' }),
    );
    expect(basic.authentication?.authMethodName).toBe('basic');
    expect((await basic.authentication!.getAuthData()).toString()).toBe('bob:p:w');
    const tls = await clientSecurityConfig(
      parseClientSecurity({ authPlugin: TLS_PLUGIN, authParams: 'tlsCertFile:/c.pem,tlsKeyFile:/k.pem' }),
    );
    expect(tls.authentication?.authMethodName).toBe('tls');
    expect(tls.authentication?.tlsCertificate).toEqual({
      certificatePath: '/c.pem',
      privateKeyPath: '/k.pem',
    });
  });
});

describe('the commands carry the options', () => {
  it('produce and consume', () => {
    expect(parseProduceOptions('t', { messages: ['m'], token: 'x' }).security.credentials).toEqual({
      kind: 'token',
      token: { value: 'x' },
    });
    expect(parseProduceOptions('t', { messages: ['m'] }).security).toEqual(NO_CLIENT_SECURITY);
    expect(
      parseConsumeOptions('t', { subscriptionName: 's', listenerName: 'ext' }).security.listenerName,
    ).toBe('ext');
    expect(() => parseConsumeOptions('t', { subscriptionName: 's', tlsCertFile: '/c' })).toThrow(
      /go together/,
    );
  });

  it('perf, whose mistakes are PerfOptionErrors and whose warnings include ignored TLS files', () => {
    const o = parsePerfOptions('produce', 't', {
      serviceUrl: 'pulsar+ssl://h:6651',
      authPlugin: BASIC_PLUGIN,
      authParams: 'userId:u,password:p',
    });
    expect(o.security.credentials).toEqual({ kind: 'basic', userId: 'u', password: 'p' });
    expect(() => parsePerfOptions('produce', 't', { tlsKeyFile: '/k' })).toThrow(PerfOptionError);
    expect(() =>
      parsePerfOptions('produce', 't', { authPlugin: 'tls', authParams: 'tlsCertFile:/c,tlsKeyFile:/k' }),
    ).toThrow(PerfOptionError);
    const plain = parsePerfOptions('produce', 't', { numMessages: '1', tlsAllowInsecureConnection: true });
    expect(optionWarnings(plain)).toEqual([
      '--tls-allow-insecure-connection ignored: pulsar://127.0.0.1:6650 does not use TLS (pulsar+ssl://)',
    ]);
  });
});

describe('describeClientError', () => {
  it('adds Node’s TLS reason and the fix for an untrusted certificate', () => {
    const tls = new Error('TLS handshake with h:6651 failed: unable to verify the first certificate', {
      cause: Object.assign(new Error('x'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }),
    });
    expect(describeClientError(tls)).toBe(
      'TLS handshake with h:6651 failed: unable to verify the first certificate ' +
        "(UNABLE_TO_VERIFY_LEAF_SIGNATURE); the broker's certificate is not trusted: " +
        'give its CA with --tls-trust-certs-file-path',
    );
    expect(describeClientError(new Error('refused', { cause: { code: 'ECONNREFUSED' } }))).toBe(
      'refused (ECONNREFUSED)',
    );
    expect(describeClientError('plain')).toBe('plain');
  });
});
