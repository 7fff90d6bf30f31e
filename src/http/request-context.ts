import type { Permission, Role } from '../core/permissions.ts';
import type { TallyContext } from '../services/context.ts';

export type Principal =
  | { readonly kind: 'session'; readonly userId: bigint; readonly email: string; readonly csrfToken: string; readonly sessionSecret: string }
  | { readonly kind: 'token'; readonly organisationId: bigint; readonly tokenId: bigint; readonly name: string; readonly role: Role; readonly creatorUserId: bigint };

export interface OrganisationScope {
  readonly context: TallyContext;
  readonly role: Role;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling: a signed-in user (cookie) or an API token; null when anonymous. */
    principal: Principal | null;
    /** Set on routes under /api/v1/orgs/{org}: the organisation, the caller's role and the actor. */
    scope: OrganisationScope | null;
    idempotency: { key: string; principal: string; organisationId: bigint } | null;
  }
  interface FastifyContextConfig {
    /** The permission a route under an organisation needs; every such route must name one. */
    permission?: Permission;
    /** The answer holds a secret shown once (a token, an invitation link): it is never stored to be replayed (idempotency.ts). */
    returnsSecret?: boolean;
  }
}

/** The audit trail's name for a caller. */
export function actorOf(principal: Principal): string {
  return principal.kind === 'session' ? principal.email : `token:${principal.tokenId}:${principal.name}`;
}

export function principalKey(principal: Principal): string {
  return principal.kind === 'session' ? `user:${principal.userId}` : `token:${principal.tokenId}`;
}

/** The member behind a caller: the signed-in user, or the creator of the token. */
export function memberOf(principal: Principal): bigint {
  return principal.kind === 'session' ? principal.userId : principal.creatorUserId;
}
