/** Shared steps of the in-flight tests: the listing's REST path and a typed page fetch. */
import { api } from '../admin/http.js';

export interface Entry {
  messageId: string;
  batchSize: number;
  unackedMessages: number;
  key: string | null;
  keyBase64: boolean;
  priority: number | null;
  consumerName: string;
  consumerId: number;
  address: string;
  deliveredAt: string;
  ageMs: number;
  redeliveryCount: number;
  ackTimeoutDeadline: string | null;
}

export interface Page {
  total: number | null;
  returned: number;
  nextCursor: string | null;
  stuckThresholdSeconds: number;
  entries: Entry[];
}

export function inflightApi(webServiceUrl: string, topic: string, sub: string) {
  const a = api(webServiceUrl);
  const base = `/persistent/public/default/${topic}/subscription/${sub}/inflight`;
  return {
    async page(query = ''): Promise<Page> {
      const r = await a.get(`${base}${query}`);
      if (r.status !== 200) throw new Error(`inflight answered ${r.status}: ${JSON.stringify(r.body)}`);
      return r.body as Page;
    },
    get: (suffix: string) => a.get(`${base}${suffix}`),
  };
}

/** Retries `check` until it stops throwing or `ms` pass; the last failure is rethrown. */
export async function eventually(check: () => Promise<void>, ms = 8000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
