/**
 * Roles and the named permissions they grant. Every HTTP route and every service entry point used
 * by the API names the one permission it needs; the matrix is documented in docs/permissions.md
 * and a test checks the two agree.
 */
export const permissions = ['read_billing', 'write_billing', 'reconcile', 'read_reports', 'manage_settings', 'manage_users'] as const;
export type Permission = (typeof permissions)[number];

export const roles = ['owner', 'admin', 'accountant', 'viewer'] as const;
export type Role = (typeof roles)[number];

export const rolePermissions: Readonly<Record<Role, readonly Permission[]>> = {
  owner: ['read_billing', 'write_billing', 'reconcile', 'read_reports', 'manage_settings', 'manage_users'],
  admin: ['read_billing', 'write_billing', 'reconcile', 'read_reports', 'manage_settings'],
  accountant: ['read_billing', 'reconcile', 'read_reports'],
  viewer: ['read_billing'],
};

export function roleGrants(role: Role, permission: Permission): boolean {
  return rolePermissions[role].includes(permission);
}

/** The weaker of two roles (roles are listed strongest first): what a token may do when its creator's role has changed. */
export function weakerRole(first: Role, second: Role): Role {
  return roles.indexOf(first) > roles.indexOf(second) ? first : second;
}

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}
