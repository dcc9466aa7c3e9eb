/**
 * Admin REST calls on a topic another worker of a multi-core standalone owns are answered with
 * 307 Temporary Redirect to the same path and query on the owner's own web listener, as a Pulsar
 * broker redirects admin calls for topics it does not own (pulsar-admin and `magnetar admin`
 * follow it, re-sending method and body). The lookup route is exempt: any worker answers it.
 *
 * Every route whose path has {tenant}/{namespace}/{topic} is topic-scoped. A partitioned topic's
 * own name hashes to one worker too, which then does the per-partition work at each partition's
 * owner (OwnerOps); so one rule covers partitions and partitioned topics alike.
 */
import { TopicName } from '@magnetar/protocol';
import type { FastifyInstance } from 'fastify';
import type { BrokerService } from '../broker/broker-service.js';
import { BrokerError } from '../broker/errors.js';
import type { WorkerDirectory } from './worker-directory.js';
import { registerWorkersRoute } from './workers-route.js';

interface TopicRouteParams {
  tenant?: string;
  namespace?: string;
  topic?: string;
}

/** Installs the redirect hook (and the workers list, ./workers-route.ts, from `directory`). */
export function installAdminRedirects(
  app: FastifyInstance,
  broker: BrokerService,
  directory: WorkerDirectory,
): void {
  const ownership = broker.ownership;
  if (!ownership) return;
  registerWorkersRoute(app, () => ({
    self: directory.self,
    workers: directory.workers,
    running: directory.registrations(),
  }));
  app.addHook('preHandler', async (req, reply) => {
    const route = req.routeOptions.url ?? '';
    if (route.startsWith('/lookup/')) return;
    const { tenant, namespace, topic } = (req.params ?? {}) as TopicRouteParams;
    if (tenant === undefined || namespace === undefined || topic === undefined) return;
    let name: TopicName;
    try {
      name = TopicName.parse(`persistent://${tenant}/${namespace}/${topic}`);
    } catch {
      return; // The route itself answers an invalid name (412).
    }
    if (ownership.ownerOf(name) === ownership.self) return;
    let target: string | undefined;
    try {
      target = ownership.ownerUrls(name).httpUrl;
    } catch (err) {
      if (!(err instanceof BrokerError)) throw err;
    }
    if (!target) {
      return reply
        .code(503)
        .send({ reason: `The worker serving ${name.toString()} is not running; retry later` });
    }
    return reply.code(307).header('location', `${target}${req.url}`).send();
  });
}
