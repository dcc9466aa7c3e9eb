/**
 * GET /admin/v2/magnetar/workers (superuser): the broker processes of this standalone, as Pulsar's
 * getActiveBrokers lists a cluster's brokers. `self` is the worker that answered; `running` holds
 * each running worker's index, pid and own URLs. A single-process standalone lists itself alone.
 */
import type { FastifyInstance } from 'fastify';
import type { WorkerRegistration } from './worker-directory.js';

export interface WorkersView {
  self: number;
  workers: number;
  running: Pick<WorkerRegistration, 'index' | 'pid' | 'brokerServiceUrl' | 'webServiceUrl'>[];
}

export function registerWorkersRoute(app: FastifyInstance, view: () => WorkersView): void {
  app.get('/admin/v2/magnetar/workers', async () => view());
}
