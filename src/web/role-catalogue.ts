import { useEffect, useState } from 'react';
import { settingsApi, type Permission, type RoleDescription } from './api.ts';

/**
 * The roles the server defines (GET /roles), strongest first, with what each permits. The page
 * never keeps its own copy: which links and settings it offers follows the server's matrix. Asked
 * once per organisation and page load (roles change only with the server's code); a failed answer
 * is asked again by the next page that needs it.
 */
const catalogues = new Map<string, Promise<readonly RoleDescription[]>>();

function roleCatalogue(org: string): Promise<readonly RoleDescription[]> {
  let pending = catalogues.get(org);
  if (!pending) {
    pending = settingsApi.roles(org).then((answer) => answer.roles);
    catalogues.set(org, pending);
    pending.catch(() => catalogues.delete(org));
  }
  return pending;
}

export type RoleCatalogue =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly error: unknown }
  | { readonly status: 'ready'; readonly roles: readonly RoleDescription[] };

export function useRoleCatalogue(org: string | undefined): RoleCatalogue {
  const [catalogue, setCatalogue] = useState<{ org: string | undefined; value: RoleCatalogue }>({ org, value: { status: 'loading' } });
  useEffect(() => {
    if (!org) return;
    let current = true;
    roleCatalogue(org).then(
      (roles) => current && setCatalogue({ org, value: { status: 'ready', roles } }),
      (error: unknown) => current && setCatalogue({ org, value: { status: 'error', error } }),
    );
    return () => {
      current = false;
    };
  }, [org]);
  return catalogue.org === org ? catalogue.value : { status: 'loading' };
}

/** Whether the role is granted the permission; false for a role the catalogue does not know. */
export function rolePermits(roles: readonly RoleDescription[], role: string | undefined, permission: Permission): boolean {
  return roles.find((description) => description.role === role)?.permissions.includes(permission) ?? false;
}

/** The roles no stronger than this one (the list is strongest first): what it may hand to a token. */
export function rolesUpTo(roles: readonly RoleDescription[], role: string | undefined): readonly RoleDescription[] {
  const index = roles.findIndex((description) => description.role === role);
  return index < 0 ? [] : roles.slice(index);
}
