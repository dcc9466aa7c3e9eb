/**
 * One /metrics for a multi-core standalone: the worker a scrape lands on asks every other worker
 * for its registry as JSON (a peer call) and serves the sum, series by series (prom-client's
 * AggregatorRegistry). Topic series exist on one worker only, so they come through unchanged;
 * broker-wide series add up. A worker that does not answer (restarting) is left out of that
 * scrape. `/metrics?local=true` on a worker's own web URL serves that worker alone.
 */
import type { MetricJson } from '../admin/metrics.js';
import type { Standalone } from '../standalone.js';
import type { PeerCalls } from './peers.js';

const OP = 'metrics.json';

export function serveMetricsToPeers(peers: PeerCalls, standalone: Standalone): void {
  peers.handle(OP, async () => (await standalone.metrics()).renderJson());
}

/** The other workers' registries, for HttpServerOptions.peerMetrics. */
export function peerMetrics(peers: PeerCalls, workers: number): () => Promise<MetricJson[][]> {
  return async () => {
    const others = Array.from({ length: workers }, (_, i) => i).filter((i) => i !== peers.self);
    const got = await Promise.all(
      others.map((i) =>
        peers.call(i, OP, null).then(
          (r) => r as MetricJson[],
          () => undefined,
        ),
      ),
    );
    return got.filter((r): r is MetricJson[] => r !== undefined);
  };
}
