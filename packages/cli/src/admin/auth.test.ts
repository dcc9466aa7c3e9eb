// `magnetar admin`'s credential options as pulsar-admin users write them: plugin class names or
// short names, each plugin's --auth-params formats, the --token shorthand, and the mistakes that
// must be refused before any request is sent.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizationHeader, parseAuthFlags, parseTokenParams } from './auth.js';
import { actionsArg, showGrants } from './permissions.js';

const TOKEN_PLUGIN = 'org.apache.pulsar.client.impl.auth.AuthenticationToken';
const BASIC_PLUGIN = 'org.apache.pulsar.client.impl.auth.AuthenticationBasic';
const TLS_PLUGIN = 'org.apache.pulsar.client.impl.auth.AuthenticationTls';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'magnetar-cli-auth-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('token plugin', () => {
  it('reads "token:", JSON and bare tokens', () => {
    expect(parseTokenParams('token:abc.def.ghi')).toEqual({ value: 'abc.def.ghi' });
    expect(parseTokenParams('{"token":"abc"}')).toEqual({ value: 'abc' });
    expect(parseTokenParams('  abc.def  ')).toEqual({ value: 'abc.def' });
  });

  it('reads file:///path and file:/path as a token file, read when the request is sent', async () => {
    const file = join(dir, 'token.txt');
    await writeFile(file, 'eyJ.file.token\n');
    const url = pathToFileURL(file).href;
    expect(parseTokenParams(url)).toEqual({ file });
    expect(parseTokenParams(`file:${file}`)).toEqual({ file });
    expect(parseTokenParams(JSON.stringify({ file: url }))).toEqual({ file });
    const auth = parseAuthFlags({ authPlugin: TOKEN_PLUGIN, authParams: url });
    expect(await authorizationHeader(auth)).toBe('Bearer eyJ.file.token');
  });

  it('refuses empty tokens, empty files and unreadable files with a clear message', async () => {
    expect(() => parseTokenParams('')).toThrow(/token plugin needs --auth-params/);
    expect(() => parseTokenParams('token:  ')).toThrow(/empty/);
    expect(() => parseTokenParams('{"nope":1}')).toThrow(/"token" or "file"/);
    expect(() => parseTokenParams('{bad json')).toThrow(/does not parse/);
    const empty = join(dir, 'empty.txt');
    await writeFile(empty, '\n');
    await expect(authorizationHeader({ kind: 'token', token: { file: empty } })).rejects.toThrow(/is empty/);
    await expect(authorizationHeader({ kind: 'token', token: { file: join(dir, 'none') } })).rejects.toThrow(
      /cannot read the token file .*ENOENT/,
    );
  });

  it('takes the class name, the short names and --token', async () => {
    for (const authPlugin of [TOKEN_PLUGIN, 'AuthenticationToken', 'token', 'TOKEN']) {
      const auth = parseAuthFlags({ authPlugin, authParams: 'token:t1' });
      expect(await authorizationHeader(auth)).toBe('Bearer t1');
    }
    expect(await authorizationHeader(parseAuthFlags({ token: 't2' }))).toBe('Bearer t2');
    expect(await authorizationHeader(parseAuthFlags({}))).toBeUndefined();
  });
});

describe('basic plugin', () => {
  it('reads JSON and key:value params into a Basic header', async () => {
    const header = 'Basic ' + Buffer.from('u1:p:w').toString('base64');
    const json = parseAuthFlags({ authPlugin: BASIC_PLUGIN, authParams: '{"userId":"u1","password":"p:w"}' });
    expect(await authorizationHeader(json)).toBe(header);
    const pairs = parseAuthFlags({ authPlugin: 'basic', authParams: 'userId:u1,password:p:w' });
    expect(await authorizationHeader(pairs)).toBe(header);
  });

  it('refuses missing fields and a user id with a colon', () => {
    expect(() => parseAuthFlags({ authPlugin: BASIC_PLUGIN, authParams: '{"userId":"u1"}' })).toThrow(
      /userId/,
    );
    expect(() => parseAuthFlags({ authPlugin: BASIC_PLUGIN })).toThrow(/userId/);
    expect(() =>
      parseAuthFlags({ authPlugin: BASIC_PLUGIN, authParams: '{"userId":"a:b","password":"p"}' }),
    ).toThrow(/cannot contain ":"/);
  });
});

describe('tls plugin and option conflicts', () => {
  it('turns the tls plugin params into a client certificate', async () => {
    const auth = parseAuthFlags({
      authPlugin: TLS_PLUGIN,
      authParams: 'tlsCertFile:/c.pem,tlsKeyFile:/k.pem',
    });
    expect(auth).toEqual({ kind: 'tls', certFile: '/c.pem', keyFile: '/k.pem' });
    expect(await authorizationHeader(auth)).toBeUndefined();
    expect(() => parseAuthFlags({ authPlugin: TLS_PLUGIN, authParams: '{"tlsCertFile":"/c.pem"}' })).toThrow(
      /tlsKeyFile/,
    );
  });

  it('refuses unknown plugins, params without a plugin, and --token with --auth-plugin', () => {
    expect(() =>
      parseAuthFlags({ authPlugin: 'org.apache.pulsar.client.impl.auth.oauth2.AuthenticationOAuth2' }),
    ).toThrow(/unsupported --auth-plugin/);
    expect(() => parseAuthFlags({ authParams: 'token:x' })).toThrow(/--auth-params needs --auth-plugin/);
    expect(() => parseAuthFlags({ token: 'x', authPlugin: TOKEN_PLUGIN })).toThrow(
      /either --token or --auth-plugin/,
    );
  });
});

describe('permission arguments', () => {
  it('--actions takes known actions only', () => {
    expect(actionsArg('produce, consume,produce')).toEqual(['produce', 'consume']);
    expect(() => actionsArg('produce,admin')).toThrow(/unknown action 'admin'/);
    expect(() => actionsArg(' , ')).toThrow(/comma-separated/);
  });

  it('prints grants as aligned rows', () => {
    expect(showGrants({ b: ['consume'], a: ['produce', 'consume'] })).toBe('a  produce, consume\nb  consume');
    expect(showGrants({})).toBe('(none)');
  });
});
