import { roles, type Role } from '../../src/core/permissions.ts';
import { unwrap } from '../../src/core/outcome.ts';
import type { Response } from 'light-my-request';
import { buildApp, type TallyApp } from '../../src/http/app.ts';
import { createApiToken } from '../../src/services/access/api-tokens.ts';
import { addUser } from '../../src/services/access/users.ts';
import { createOrganisation, type Organisation } from '../../src/services/organisations.ts';
import type { Database } from '../../src/storage/database.ts';

export interface HttpFixture {
  readonly app: TallyApp;
  readonly organisation: Organisation;
  /** An API token per role, for `Authorization: Bearer`. */
  readonly tokens: Readonly<Record<Role, string>>;
  readonly ownerEmail: string;
  readonly ownerPassword: string;
  readonly ownerUserId: bigint;
  /** Sends a request as the given role (owner by default) with a JSON body. */
  request(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, options?: { role?: Role; headers?: Record<string, string> }): Promise<Response>;
}

let sequence = 0;

/** An app on the given database with one organisation, an owner user and a token per role. */
export async function httpFixture(database: Database, options: { slug?: string; signInAttemptsMax?: number; signInAttemptsPerAddressMax?: number } = {}): Promise<HttpFixture> {
  sequence += 1;
  const slug = options.slug ?? `http-${sequence}-${process.pid}`;
  const organisation = unwrap(await createOrganisation(database, { slug }));
  const ownerEmail = `owner-${slug}@example.org`;
  const ownerPassword = 'correct horse battery';
  const owner = unwrap(await addUser(database, organisation.id, { email: ownerEmail, password: ownerPassword, role: 'owner' })).user;
  const tokens = {} as Record<Role, string>;
  for (const role of roles) tokens[role] = unwrap(await createApiToken(database, organisation.id, { name: `${role} token`, role }, { actor: ownerEmail, userId: owner.id })).token;
  const app = await buildApp({ database, signInAttemptsMax: options.signInAttemptsMax ?? 1000, signInAttemptsPerAddressMax: options.signInAttemptsPerAddressMax ?? 1000 });
  return {
    app,
    organisation,
    tokens,
    ownerEmail,
    ownerPassword,
    ownerUserId: owner.id,
    request(method, path, body, requestOptions = {}) {
      return app.inject({
        method,
        url: path.startsWith('/api') ? path : `/api/v1/orgs/${slug}${path}`,
        headers: { authorization: `Bearer ${tokens[requestOptions.role ?? 'owner']}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...requestOptions.headers },
        ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
    },
  };
}
