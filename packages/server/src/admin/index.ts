// Public entry of the admin module (HTTP server, metrics); the package index re-exports it.
export { startHttpServer, HTTP_BODY_LIMIT_BYTES } from './http-server.js';
export type { HttpServer, HttpServerOptions } from './http-server.js';
// createBrokerMetrics is deliberately not re-exported: importing it loads prom-client, which the
// HTTP server defers until the first scrape. Import './admin/metrics.js' directly if needed.
export type { BrokerMetrics } from './metrics.js';
export { bucketLatencies, WRITE_LATENCY_BOUNDS_MS, WRITE_LATENCY_SUFFIXES } from './latency-buckets.js';
export type { BrokerMetricsSource, TopicMetrics, SubscriptionMetrics } from './metrics-source.js';
