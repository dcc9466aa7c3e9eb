// HTTP fuzzing of an auth-enabled broker through fastify's inject (no sockets): random methods,
// paths built from the real routes with random segments, random Authorization, X-Original-Principal
// and other headers, random bodies. Whatever arrives, the broker never answers 5xx, never answers
// 2xx/3xx to a request without valid credentials on a non-public route, and still serves valid
// requests afterwards. MAGNETAR_FUZZ_RUNS sets the number of requests (100,000 by default).
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROUTE_RULES } from '../../packages/server/src/admin/auth/route-rules.js';
import { HmacTokenFixture } from '../../packages/server/src/auth/testing.js';
import { PROXY, SUPERUSER, startSecureBroker, type SecureBroker } from './admin-helpers.js';

const aprMd5 = createRequire(import.meta.url)('apache-md5') as (password: string) => string;

const RUNS = Number(process.env.MAGNETAR_FUZZ_RUNS ?? 100_000);
/** Requests per fast-check case, sent concurrently: inject's per-request overhead is mostly waiting. */
const BATCH = 50;

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;
/** Roles with tokens. Only the superuser could do damage with a random write, so it only reads. */
const ROLES = [SUPERUSER, 'alice', 'consumer', 'nobody', PROXY, 'acme-admin'] as const;

interface Credential {
  header?: string;
  /** A credential the broker accepts: a token our key signed (not expired), or the htpasswd user. */
  valid: boolean;
  role?: string;
}

interface FuzzRequest {
  method: string;
  url: string;
  credential: Credential;
  headers: Record<string, string>;
  payload?: string;
}

let b: SecureBroker;
/** How often each status came back, printed with MAGNETAR_FUZZ_VERBOSE to judge the mix. */
const statuses = new Map<number, number>();
let credentials: fc.Arbitrary<Credential>;

beforeAll(async () => {
  // Basic too, so that random Basic credentials reach a real htpasswd check.
  const htpasswd = `fuzzer:${aprMd5('fuzz-secret')}\n`;
  b = await startSecureBroker({
    authenticationProviders: 'token,basic',
    basicAuthConf: `data:;base64,${Buffer.from(htpasswd).toString('base64')}`,
  });
  const as = SUPERUSER;
  // Something for valid roles to find: a topic, grants, a subscription restricted to one role, and
  // a tenant with its own admin (reached when a random segment happens to say "acme").
  expect((await b.call('PUT', '/admin/v2/persistent/public/default/t1', { as })).status).toBe(204);
  expect((await b.call('PUT', '/admin/v2/persistent/public/default/t1/subscription/s1', { as })).status).toBe(
    204,
  );
  const ns = '/admin/v2/namespaces/public/default';
  expect((await b.call('POST', `${ns}/permissions/alice`, { as, body: ['produce'] })).status).toBe(204);
  const t1 = '/admin/v2/persistent/public/default/t1';
  expect((await b.call('POST', `${t1}/permissions/consumer`, { as, body: ['consume'] })).status).toBe(204);
  expect((await b.call('POST', `${ns}/permissions/subscription/s1`, { as, body: ['consumer'] })).status).toBe(
    204,
  );
  const acme = { adminRoles: ['acme-admin'], allowedClusters: ['standalone'] };
  expect((await b.call('PUT', '/admin/v2/tenants/acme', { as, body: acme })).status).toBe(204);
  credentials = await credentialArbitrary(b);
});
afterAll(() => b?.destroy());

async function credentialArbitrary(broker: SecureBroker): Promise<fc.Arbitrary<Credential>> {
  const valid = await Promise.all(ROLES.map(async (role) => ({ role, token: await broker.token(role) })));
  const expired = await broker.key.sign('alice', { exp: 1 });
  const notYet = await broker.key.sign('alice', { nbf: 4_000_000_000 });
  const foreign = await new HmacTokenFixture().sign(SUPERUSER);
  const [head, body] = valid[0]!.token.split('.') as [string, string];
  const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${body}.`;
  const invalidTokens = [expired, notYet, foreign, unsigned, `${head}.${body}.AAAA`, `${valid[1]!.token}x`];
  const text = fc.stringMatching(/^[\x20-\x7e]{0,80}$/);
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  return fc.oneof(
    {
      weight: 7,
      arbitrary: fc
        .constantFrom(...valid)
        .map(({ role, token }) => ({ header: `Bearer ${token}`, valid: true, role })),
    },
    {
      weight: 1,
      arbitrary: fc.constant<Credential>({
        header: basic('fuzzer', 'fuzz-secret'),
        valid: true,
        role: 'fuzzer',
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(basic('fuzzer', 'wrong'), basic('fuzzer', ''), basic('', 'fuzz-secret'))
        .map((header) => ({ header, valid: false })),
    },
    { weight: 2, arbitrary: fc.constant<Credential>({ valid: false }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(...invalidTokens).map((t) => ({ header: `Bearer ${t}`, valid: false })),
    },
    { weight: 1, arbitrary: text.map((t) => ({ header: `Bearer ${t}`, valid: false })) },
    {
      weight: 1,
      arbitrary: text.map((t) => ({ header: `Basic ${Buffer.from(t).toString('base64')}`, valid: false })),
    },
    { weight: 1, arbitrary: text.map((t) => ({ header: t, valid: false })) },
    // The superuser's token with a wrong scheme or glued to junk is no credential either.
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(`Token ${valid[0]!.token}`, `Bearer  ${valid[0]!.token}.x`)
        .map((h) => ({ header: h, valid: false })),
    },
  );
}

/** A path segment: a name that exists, a plausible one, or something hostile. */
const segment = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom('public', 'default', 't1', 's1', 'persistent', 'standalone', 'acme', '1', '0'),
  },
  { weight: 2, arbitrary: fc.stringMatching(/^[\w.:=-]{1,24}$/) },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }).map(encodeURIComponent) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '..',
      '.',
      '%2F',
      '%2e%2e',
      '%00',
      '%ZZ',
      '%E2%82',
      'a%2Fb',
      't1-partition-0',
      '-1',
      '9'.repeat(30),
      'x'.repeat(2000),
    ),
  },
);

/** The names that exist in the fixture, by path parameter: most requests should reach a handler. */
const EXISTING: Record<string, string> = {
  tenant: 'public',
  namespace: 'default',
  topic: 't1',
  subscription: 's1',
  cluster: 'standalone',
  domain: 'persistent',
  role: 'alice',
  position: '1',
  timestamp: '0',
  count: '1',
  seconds: '60',
  version: '0',
};

function urlArbitrary(): fc.Arbitrary<{ url: string; method: string }> {
  const route = fc.constantFrom(...ROUTE_RULES, {
    method: 'GET',
    url: '/admin/v2/unrouted/:tenant',
    rule: 'public',
  });
  const query = fc.oneof(
    fc.constant(''),
    fc.constantFrom(
      '?force=true',
      '?authoritative=true',
      '?perPartition=false',
      '?messageTTL=5',
      '?isExcluded=true',
    ),
    fc.tuple(segment, segment).map(([k, v]) => `?${k}=${v}`),
  );
  return fc
    .record({
      route,
      // Each parameter keeps its existing name half of the time, else gets a random segment.
      values: fc.array(fc.option(segment, { freq: 2, nil: undefined }), { minLength: 6, maxLength: 6 }),
      slash: fc.boolean(),
      query,
      // Mostly the route's own method, so that requests get past the router.
      otherMethod: sometimes(fc.constantFrom(...METHODS), 5),
    })
    .map(({ route, values, slash, query, otherMethod }) => {
      let i = 0;
      const path = route.url.replace(/:(\w+)/g, (_, name: string) => values[i++] ?? EXISTING[name] ?? 'x');
      return { url: `${path}${slash ? '/' : ''}${query}`, method: otherMethod ?? route.method };
    });
}

/** `arb` once in `every` draws, else null. */
function sometimes<T>(arb: fc.Arbitrary<T>, every: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: every - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });
}

const headerName = fc.stringMatching(/^x-[a-z0-9-]{1,20}$/);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,100}$/);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/vnd.pulsar+json',
  'text/plain',
  'application/octet-stream',
  'multipart/form-data; boundary=x',
  '',
);
const payload = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 3 }),
  fc.constantFrom('["produce","consume"]', '["admin"]', '"Prefix"', '3', '{"partitions":2}', '', '{', 'null'),
  fc.string({ maxLength: 200 }),
);

function requestArbitrary(): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      target: urlArbitrary(),
      credential: credentials,
      original: sometimes(fc.oneof(fc.constantFrom(...ROLES), headerValue), 5),
      extra: fc.dictionary(headerName, headerValue, { maxKeys: 3 }),
      contentType: sometimes(contentType, 2),
      payload,
    })
    .map(({ target, credential, original, extra, contentType, payload }) => {
      // The superuser only reads: a random DELETE with its token would just delete the fixtures.
      const method =
        credential.role === SUPERUSER && !['GET', 'HEAD'].includes(target.method) ? 'GET' : target.method;
      const headers: Record<string, string> = { ...extra };
      if (credential.header !== undefined) headers.authorization = credential.header;
      if (original !== null) headers['x-original-principal'] = original;
      if (contentType !== null && contentType !== '') headers['content-type'] = contentType;
      return { method, url: target.url, credential, headers, payload };
    });
}

/** /metrics is the only route a client without credentials may use (authenticateMetricsEndpoint=false). */
function isPublic(req: FuzzRequest): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && /^\/metrics\/?(\?|$)/.test(req.url);
}

async function check(req: FuzzRequest): Promise<void> {
  const res = await b.broker.http.inject({
    method: req.method as 'GET',
    url: req.url,
    headers: req.headers,
    ...(req.payload === undefined || req.method === 'GET' || req.method === 'HEAD'
      ? {}
      : { payload: req.payload }),
  });
  statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
  const what = `${req.method} ${req.url.slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 200)}`;
  if (res.statusCode >= 500) throw new Error(`server error: ${what}`);
  if (!req.credential.valid && !isPublic(req) && res.statusCode < 400) {
    throw new Error(`served without valid credentials: ${what}`);
  }
}

it(
  `survives ${RUNS} random requests without a 5xx or an unauthenticated success`,
  { timeout: 300_000 },
  async () => {
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(
        fc.array(requestArbitrary(), { minLength: BATCH, maxLength: BATCH }),
        async (batch) => {
          await Promise.all(batch.map(check));
        },
      ),
      {
        numRuns: Math.ceil(RUNS / BATCH),
        seed: process.env.MAGNETAR_FUZZ_SEED ? Number(process.env.MAGNETAR_FUZZ_SEED) : undefined,
      },
    );
    const seconds = (performance.now() - started) / 1000;
    if (process.env.MAGNETAR_FUZZ_VERBOSE) {
      console.log(
        `${RUNS} requests in ${seconds.toFixed(1)} s`,
        [...statuses].sort((x, y) => x[0] - y[0]),
      );
    }

    // Still serving: through inject, and over a real socket.
    expect((await b.call('GET', '/admin/v2/tenants', { as: SUPERUSER })).status).toBe(200);
    expect(
      (await b.call('GET', '/admin/v2/persistent/public/default/t1/stats', { as: 'alice' })).status,
    ).toBe(200);
    const res = await fetch(`${b.broker.webServiceUrl}/admin/v2/clusters`, {
      headers: { authorization: `Bearer ${await b.token('alice')}` },
    });
    expect(res.status).toBe(200);
    expect((await fetch(`${b.broker.webServiceUrl}/admin/v2/clusters`)).status).toBe(401);
  },
);
