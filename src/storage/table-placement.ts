/**
 * Where each table lives when Tally runs on a Citus cluster (docs/scale-out.md, docs/DECISIONS.md).
 * One list, read by `tally migrate --distribute` and by the schema lint (test/schema-lint.test.ts).
 *
 * Every table of an organisation's data is distributed by `org_id`, all colocated: an
 * organisation's rows of every table live on one node, so each request, each batch of a run and
 * each trigger works on one node, and every key leads with `org_id`. The tables listed below are
 * the exceptions; a new table without `org_id` must be added here (the lint says so).
 */
export type TablePlacement =
  /** A copy on every node: small, read by every request, written rarely. */
  | { readonly kind: 'reference' }
  /** Spread across the workers by this column. `org_id` tables are colocated with each other. */
  | { readonly kind: 'distributed'; readonly column: string }
  /** Only on the coordinator, where the app servers connect. */
  | { readonly kind: 'local' };

/** The column every organisation's table is distributed by. */
export const tenantColumn = 'org_id';

const tenant: TablePlacement = { kind: 'distributed', column: tenantColumn };

export const tablePlacementExceptions: Readonly<Record<string, TablePlacement>> = {
  // Looked up by slug on every request before any organisation is known, and referenced by every
  // organisation's table: a copy on every node lets each node check those keys locally.
  organisation: { kind: 'reference' },
  // One person may belong to several organisations: sign-in finds the user by email alone.
  app_user: { kind: 'reference' },
  // The token is looked up by its hash alone, before the organisation is known (the secret does
  // not name it). A few per organisation, written when created or revoked and once a minute of
  // use at most (tokenUseRecordedEverySeconds), read on every API request: a copy on every node.
  api_token: { kind: 'reference' },
  // Like api_token: the invitation is found by its secret's hash alone, before the organisation is
  // known (the link does not name it). A few per organisation, written when made, accepted or revoked.
  invitation: { kind: 'reference' },
  // Looked up by the cookie's hash alone on every browser request, written at each sign-in: spread
  // by that hash, so each lookup and each sign-in touches one shard and no write goes to every node.
  user_session: { kind: 'distributed', column: 'id_hash' },
  // The migration runner's own bookkeeping, read and written only by `tally migrate` on the coordinator.
  schema_migration: { kind: 'local' },
};

/** The placement of a table: an exception above, or distributed by org_id when it has the column. */
export function placementOf(table: string, columns: readonly string[]): TablePlacement | null {
  return tablePlacementExceptions[table] ?? (columns.includes(tenantColumn) ? tenant : null);
}
