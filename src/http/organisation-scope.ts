import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { assert } from '../core/assert.ts';
import { roleGrants, type Permission, type Role } from '../core/permissions.ts';
import type { Database } from '../storage/database.ts';
import { findOrganisation } from '../services/organisations.ts';
import { csrfHeaderName } from './authentication.ts';
import { sendRefusal } from './error-handler.ts';
import { actorOf } from './request-context.ts';
import { requestDatabase } from './request-limits.ts';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Guards every route under /api/v1/orgs/{org}, before the body is even validated: the caller must
 * be signed in (401), send the CSRF token with a session cookie on unsafe methods (403), belong to
 * the organisation (404: another organisation's existence is not revealed) and hold the route's
 * permission (403). Every such route must declare its permission; registering one without fails.
 */
export interface GuardedRoute {
  readonly method: string;
  readonly url: string;
  readonly permission: Permission;
}

export function installOrganisationScope(app: FastifyInstance, database: Database, limits: { statementTimeoutMs: number }): GuardedRoute[] {
  const guardedRoutes: GuardedRoute[] = [];
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/v1/orgs/:org')) {
      const permission = route.config?.permission;
      assert(permission, `route ${route.method} ${route.url} must declare the permission it needs`);
      for (const method of [route.method].flat()) if (method !== 'HEAD') guardedRoutes.push({ method, url: route.url, permission });
    }
  });
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const permission = request.routeOptions.config?.permission;
    if (!request.routeOptions.url?.startsWith('/api/v1/orgs/:org') || !permission) return;
    const principal = request.principal;
    if (!principal) return sendRefusal(reply, { code: 'not_signed_in', message: 'Sign in, or send a valid API token' });
    if (principal.kind === 'session' && !safeMethods.has(request.method) && request.headers[csrfHeaderName] !== principal.csrfToken) {
      return sendRefusal(reply, { code: 'csrf_token_invalid', message: 'Send the X-CSRF-Token header given at sign-in' });
    }
    const slug = (request.params as { org?: string }).org ?? '';
    const found = await findOrganisation(database, slug);
    const notFound = () => sendRefusal(reply, { code: 'organisation_not_found', message: `No organisation has the slug "${slug}"`, path: 'org' });
    if (!found.ok) return notFound();
    let role: Role | undefined;
    if (principal.kind === 'token') role = principal.organisationId === found.value.id ? principal.role : undefined;
    else {
      const [membership] = await database.query<{ role: Role }>('select role from membership where org_id = $1 and user_id = $2', [found.value.id, principal.userId]);
      role = membership?.role;
    }
    if (!role) return notFound();
    if (!roleGrants(role, permission)) {
      return sendRefusal(reply, { code: 'permission_denied', message: `Your role (${role}) does not have the ${permission} permission`, details: { permission } });
    }
    request.scope = { context: { database: requestDatabase(database, request, reply, limits.statementTimeoutMs), organisation: found.value, actor: actorOf(principal) }, role };
  });
  return guardedRoutes;
}

/** The organisation scope of a guarded route; the hook above guarantees it is set. */
export function scopeOf(request: FastifyRequest) {
  assert(request.scope, 'organisation routes run after the organisation scope hook');
  return request.scope;
}
