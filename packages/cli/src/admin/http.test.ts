import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminClient, AdminHttpError } from './http.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function serve(
  handler: (req: IncomingMessage, body: string) => [number, Record<string, string>, string],
) {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const [status, headers, text] = handler(req, body);
      res.writeHead(status, headers).end(text);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('AdminClient redirects', () => {
  it('follows 307 with the same method, body and credentials', async () => {
    const owner = await serve((req, body) => [
      200,
      { 'content-type': 'application/json' },
      JSON.stringify({ method: req.method, url: req.url, body, auth: req.headers.authorization }),
    ]);
    const other = await serve((req) => [307, { location: `${owner}${req.url}` }, '']);
    const client = new AdminClient(other, { auth: { kind: 'token', token: { value: 't0k' } } });
    for (const method of ['PUT', 'POST', 'DELETE', 'GET']) {
      const body = method === 'PUT' || method === 'POST' ? { partitions: 4 } : undefined;
      expect(await client.request(method, '/admin/v2/persistent/a/b/c?force=true', body)).toEqual({
        method,
        url: '/admin/v2/persistent/a/b/c?force=true',
        body: body === undefined ? '' : JSON.stringify(body),
        auth: 'Bearer t0k',
      });
    }
  });

  it('gives up after a few hops', async () => {
    let self = '';
    self = await serve(() => [307, { location: `${self}/again` }, '']);
    const err = await new AdminClient(self).get('/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdminHttpError);
    expect(String(err)).toMatch(/more than 5 redirects/);
  });
});
