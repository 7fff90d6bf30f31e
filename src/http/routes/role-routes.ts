import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { permissions, rolePermissions, roles } from '../../core/permissions.ts';
import { errorResponses, OrganisationParams } from '../schemas.ts';

const RoleView = Type.Object({
  role: Type.Union(roles.map((role) => Type.Literal(role))),
  permissions: Type.Array(Type.Union(permissions.map((permission) => Type.Literal(permission))), { description: 'what the role may do (docs/permissions.md)' }),
});

/**
 * The roles a member or an API token can have, strongest first, and what each permits. Read-only:
 * roles are fixed by the code (core/permissions.ts); clients list them instead of copying them.
 */
export async function roleRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/roles',
    {
      config: { permission: 'read_billing' },
      schema: {
        tags: ['users'],
        summary: 'Roles, strongest first, with the permissions each grants',
        params: OrganisationParams,
        response: { 200: Type.Object({ roles: Type.Array(RoleView) }), ...errorResponses },
      },
    },
    async () => ({ roles: roles.map((role) => ({ role, permissions: [...rolePermissions[role]] })) }),
  );
}
