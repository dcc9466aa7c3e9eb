/**
 * The admin REST client behind `magnetar admin`: requests to --admin-url with the configured
 * credentials (auth.ts) over http or https (transport.ts). A non-2xx answer becomes an
 * AdminHttpError carrying the broker's `reason`, which the CLI prints as is.
 */
import { untrustedCertificateHint } from '../security-options.js';
import { authorizationHeader, type AdminAuth } from './auth.js';
import { Transport, type RawResponse, type TlsFiles } from './transport.js';

/** Redirects (307/308) one request may follow. */
export const MAX_REDIRECTS = 5;

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

export interface AdminClientOptions {
  timeoutMs?: number;
  auth?: AdminAuth;
  tls?: TlsFiles;
}

export class AdminClient {
  private readonly timeoutMs: number;
  private readonly auth: AdminAuth;
  private readonly transport: Transport;
  private authHeader?: Promise<string | undefined>;

  constructor(
    readonly baseUrl: string,
    options: AdminClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.auth = options.auth ?? { kind: 'none' };
    // The tls plugin's files are the client certificate, as --tls-cert-file/--tls-key-file are.
    const tls =
      this.auth.kind === 'tls'
        ? { ...options.tls, certFile: this.auth.certFile, keyFile: this.auth.keyFile }
        : options.tls;
    this.transport = new Transport(tls);
  }

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
    const res = await this.send(method, path, body);
    const text = res.body.toString('utf8');
    if (res.status < 200 || res.status > 299) {
      throw new AdminHttpError(res.status, reasonOf(text) ?? (res.statusText || 'request failed'));
    }
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }

  /**
   * Sends one request with the credentials and answers whatever the broker said, any status; only
   * an unreachable broker (or a TLS failure) is thrown, as AdminHttpError with status 0.
   */
  async send(
    method: string,
    path: string,
    body?: unknown,
    accept = 'application/json',
  ): Promise<RawResponse> {
    const url = new URL(path, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    const authorization = await (this.authHeader ??= authorizationHeader(this.auth));
    const headers: Record<string, string> = {
      accept,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(authorization === undefined ? {} : { authorization }),
    };
    const options = {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs: this.timeoutMs,
    };
    // A broker answers 307 for a topic another broker (or standalone worker) owns: the same
    // request, body and credentials included, goes to the Location, as pulsar-admin follows it.
    let target = url;
    for (let hops = 0; ; hops++) {
      let res: RawResponse;
      try {
        res = await this.transport.send(target, options);
      } catch (err) {
        throw new AdminHttpError(
          0,
          `cannot reach ${hops === 0 ? this.baseUrl : target.origin}: ${describe(err)}`,
        );
      }
      const location = res.headers.get('location');
      if ((res.status !== 307 && res.status !== 308) || location === null) return res;
      if (hops >= MAX_REDIRECTS) throw new AdminHttpError(res.status, `more than ${MAX_REDIRECTS} redirects`);
      target = new URL(location, target);
    }
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
  const code = (err as { code?: string }).code;
  const hint = untrustedCertificateHint(code);
  if (hint !== undefined) return `${code} (${hint})`;
  if (code === 'ETIMEDOUT') return 'timed out';
  return code ?? (err as Error).message;
}
