/** A tiny client for the admin REST tests: real HTTP with fetch, answers decoded for assertions. */

export interface Answer {
  status: number;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
  contentType: string | null;
}

export interface Api {
  get(path: string): Promise<Answer>;
  put(path: string, body?: unknown): Promise<Answer>;
  post(path: string, body?: unknown): Promise<Answer>;
  delete(path: string): Promise<Answer>;
  /** Sends `raw` exactly as given, with a JSON content type. */
  raw(method: string, path: string, raw: string): Promise<Answer>;
}

export function api(baseUrl: string): Api {
  const send = async (method: string, path: string, body?: string): Promise<Answer> => {
    const res = await fetch(`${baseUrl}/admin/v2${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body,
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
      contentType: res.headers.get('content-type'),
    };
  };
  const json = (v: unknown) => (v === undefined ? undefined : JSON.stringify(v));
  return {
    get: (p) => send('GET', p),
    put: (p, b) => send('PUT', p, json(b)),
    post: (p, b) => send('POST', p, json(b)),
    delete: (p) => send('DELETE', p),
    raw: (m, p, r) => send(m, p, r),
  };
}

/** `{"reason": ...}` of an error answer. */
export function reason(a: Answer): string {
  return (a.body as { reason: string }).reason;
}
