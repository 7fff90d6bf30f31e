import type { FastifyInstance } from 'fastify';
import type { Database } from '../../storage/database.ts';
import { healthRoutes } from './health-routes.ts';
import { sessionRoutes } from './session-routes.ts';
import { invitationRoutes } from './invitation-routes.ts';
import { organisationRoutes } from './organisation-routes.ts';

export interface RouteOptions {
  readonly database: Database;
  readonly secureCookies: boolean;
  readonly signInAttemptsMax?: number | undefined;
  readonly signInAttemptsPerAddressMax?: number | undefined;
}

/** Every resource is one plugin; organisation resources live under /api/v1/orgs/{org}. */
export async function registerApiRoutes(app: FastifyInstance, registration: RouteOptions): Promise<void> {
  // Fastify hands a plugin its registration options, prefix included; pass on only ours.
  const options: RouteOptions = { database: registration.database, secureCookies: registration.secureCookies, signInAttemptsMax: registration.signInAttemptsMax, signInAttemptsPerAddressMax: registration.signInAttemptsPerAddressMax };
  await app.register(healthRoutes, options);
  await app.register(sessionRoutes, { ...options, prefix: '/v1' });
  await app.register(invitationRoutes, { ...options, prefix: '/v1' });
  await app.register(organisationRoutes, { prefix: '/v1/orgs/:org' });
}
