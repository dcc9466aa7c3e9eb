/**
 * The admin REST client behind `magnetar admin`: Node's fetch against --admin-url. A non-2xx
 * answer becomes an AdminHttpError carrying the broker's `reason`, which the CLI prints as is.
 */

export class AdminHttpError extends Error {
  constructor(
    /** HTTP status; 0 when the broker could not be reached. */
    readonly status: number,
    readonly reason: string,
  ) {
    super(status === 0 ? reason : `${reason} (HTTP ${status})`);
    this.name = 'AdminHttpError';
  }
}

/** Joins path segments under /admin/v2, escaping each (names may hold ':' or '='). */
export function adminPath(...segments: string[]): string {
  return `/admin/v2/${segments.map(encodeURIComponent).join('/')}`;
}

export class AdminClient {
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 30_000,
  ) {}

  get(path: string): Promise<unknown> {
    return this.request('GET', path);
  }
  put(path: string, body?: unknown): Promise<unknown> {
    return this.request('PUT', path, body);
  }
  post(path: string, body?: unknown): Promise<unknown> {
    return this.request('POST', path, body);
  }
  delete(path: string): Promise<unknown> {
    return this.request('DELETE', path);
  }

  /** Resolves with the parsed JSON answer, or undefined for an empty one (204). */
  async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = new URL(path, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new AdminHttpError(0, `cannot reach ${this.baseUrl}: ${describe(err)}`);
    }
    const text = await res.text();
    if (!res.ok) throw new AdminHttpError(res.status, reasonOf(text) ?? (res.statusText || 'request failed'));
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }
}

function reasonOf(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { reason?: unknown };
    if (typeof parsed.reason === 'string') return parsed.reason;
  } catch {
    // Not JSON: fall back to the body itself.
  }
  return text.trim() === '' ? undefined : text.trim();
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code;
  if ((err as Error).name === 'TimeoutError') return 'timed out';
  return cause?.message ?? (err as Error).message;
}
