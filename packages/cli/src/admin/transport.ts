/**
 * How `magnetar admin` reaches the broker: node:http for http:// URLs and node:https for https://
 * ones, because Node's global fetch cannot be given a CA file or a client certificate without
 * undici's dispatcher. The TLS files are read once, on the first request.
 */
import { readFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions as HttpsRequestOptions } from 'node:https';

/** Answers above this are refused: even a peeked batch or the stats of a big topic stay far below. */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export interface TlsFiles {
  /** --tls-trust-certs-file-path: PEM CAs that verify the broker, instead of Node's defaults. */
  trustCertsFile?: string;
  /** --tls-allow-insecure: accept any broker certificate. */
  allowInsecure?: boolean;
  /** --tls-cert-file / --tls-key-file: the client certificate for mutual TLS. */
  certFile?: string;
  keyFile?: string;
}

export interface RawResponse {
  status: number;
  statusText: string;
  headers: Headers;
  body: Buffer;
}

export interface SendOptions {
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export class Transport {
  private tlsOptions?: Promise<HttpsRequestOptions>;

  constructor(private readonly tls: TlsFiles = {}) {
    if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
      throw new Error('--tls-cert-file and --tls-key-file go together');
    }
  }

  async send(url: URL, options: SendOptions): Promise<RawResponse> {
    const https = url.protocol === 'https:';
    if (!https && url.protocol !== 'http:') throw new Error(`unsupported admin URL scheme ${url.protocol}`);
    const tls = https ? await (this.tlsOptions ??= this.loadTls()) : {};
    const request = https ? httpsRequest : httpRequest;
    return new Promise<RawResponse>((resolve, reject) => {
      const req = request(url, { ...tls, method: options.method, headers: options.headers }, (res) => {
        collect(res).then(resolve, reject);
      });
      req.setTimeout(options.timeoutMs, () =>
        req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
      );
      req.on('error', reject);
      req.end(options.body);
    });
  }

  private async loadTls(): Promise<HttpsRequestOptions> {
    const { trustCertsFile, allowInsecure, certFile, keyFile } = this.tls;
    const read = (file: string, what: string) =>
      readFile(file).catch((err: NodeJS.ErrnoException) => {
        throw new Error(`cannot read ${what} ${file}: ${err.code ?? err.message}`);
      });
    return {
      rejectUnauthorized: allowInsecure !== true,
      ...(trustCertsFile ? { ca: await read(trustCertsFile, '--tls-trust-certs-file-path') } : {}),
      ...(certFile && keyFile
        ? { cert: await read(certFile, '--tls-cert-file'), key: await read(keyFile, '--tls-key-file') }
        : {}),
    };
  }
}

function collect(res: IncomingMessage): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) {
        res.destroy(new Error(`the broker's answer exceeds ${MAX_RESPONSE_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    res.on('error', reject);
    res.on('end', () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(res.headers)) {
        if (v === undefined) continue;
        for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
      }
      resolve({
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? '',
        headers,
        body: Buffer.concat(chunks),
      });
    });
  });
}
