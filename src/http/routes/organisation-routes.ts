import type { FastifyInstance } from 'fastify';
import { accountRoutes } from './account-routes.ts';
import { allocationRoutes } from './allocation-routes.ts';
import { documentRoutes } from './document-routes.ts';
import { roleRoutes } from './role-routes.ts';
import { settingsRoutes } from './settings-routes.ts';
import { transferRoutes } from './transfer-routes.ts';
import { runRoutes } from './run-routes.ts';
import { reportRoutes } from './report-routes.ts';

/** Everything under /api/v1/orgs/{org}; the organisation scope hook guards each route. */
export async function organisationRoutes(app: FastifyInstance): Promise<void> {
  await app.register(accountRoutes);
  await app.register(documentRoutes);
  await app.register(allocationRoutes);
  await app.register(settingsRoutes);
  await app.register(roleRoutes);
  await app.register(transferRoutes);
  await app.register(runRoutes);
  await app.register(reportRoutes);
}
