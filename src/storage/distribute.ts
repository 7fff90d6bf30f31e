import { assert } from '../core/assert.ts';
import { refuse } from '../core/outcome.ts';
import type { Database, SqlExecutor } from './database.ts';
import { hasCitus, migrationLockKey } from './migrate.ts';
import { catalogueKeys, catalogueTables, type CatalogueKey } from './schema-catalogue.ts';
import { placementOf, tenantColumn, type TablePlacement } from './table-placement.ts';

export interface DistributionStep {
  readonly table: string;
  readonly placement: TablePlacement;
  /** False when the table was already placed so (nothing done). */
  readonly changed: boolean;
}

interface CitusPlacement {
  readonly table: string;
  /** 'h' hash-distributed; 'n' a reference table (replication 't') or a table Citus manages on the coordinator alone ('s'). */
  readonly method: string;
  readonly replication: string;
  readonly column: string | null;
  readonly colocationId: number;
}

async function citusPlacements(executor: SqlExecutor): Promise<Map<string, CitusPlacement>> {
  const rows = await executor.query<{ table: string; method: string; replication: string; column: string | null; colocation_id: number }>(
    `select c.relname as table, p.partmethod::text as method, p.repmodel::text as replication,
            case when p.partmethod = 'h' then column_to_column_name(p.logicalrelid, p.partkey) end as column,
            p.colocationid as colocation_id
     from pg_dist_partition p join pg_class c on c.oid = p.logicalrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public'`,
  );
  return new Map(rows.map((row) => [row.table, { table: row.table, method: row.method, replication: row.replication, column: row.column, colocationId: Number(row.colocation_id) }]));
}

/**
 * Tables in an order where every table comes after the tables its foreign keys refer to (Citus
 * distributes a table only once what it refers to is distributed or a reference table), ties by
 * name so the order is stable.
 */
export function tablesInKeyOrder(tables: readonly string[], keys: readonly CatalogueKey[]): string[] {
  const ordered: string[] = [];
  const placed = new Set<string>();
  const remaining = [...tables].sort();
  while (remaining.length > 0) {
    const ready = remaining.find((table) =>
      keys.every((key) => key.kind !== 'foreign key' || key.table !== table || key.referencedTable === table || placed.has(key.referencedTable!) || !tables.includes(key.referencedTable!)));
    assert(ready !== undefined, `the foreign keys of ${remaining.join(', ')} refer to each other in a cycle`);
    ordered.push(ready);
    placed.add(ready);
    remaining.splice(remaining.indexOf(ready), 1);
  }
  return ordered;
}

/** Names from the catalogue, quoted for DDL (Tally's are plain lower-case words; this keeps any name safe). */
function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function describe(placement: TablePlacement): string {
  return placement.kind === 'distributed' ? `distributed by ${placement.column}` : placement.kind === 'reference' ? 'a reference table' : 'local to the coordinator';
}

/**
 * Distributes Tally's schema on a Citus cluster (`tally migrate --distribute`): reference tables
 * first, then every organisation's table distributed by org_id, all colocated with the first, then
 * the tables distributed by a key of their own, each after the tables its foreign keys refer to.
 * Each table in a transaction of its own, so an interrupted run resumes where it stopped; a table
 * already placed as planned is left alone (idempotent), one placed otherwise is refused by name
 * (table_is_placed_otherwise), and a database without Citus is refused (citus_is_not_installed).
 * Run after `migrate`: a migration that adds a table leaves it on the coordinator until this runs.
 */
export async function distributeTables(database: Database): Promise<DistributionStep[]> {
  if (!(await hasCitus(database))) {
    refuse('citus_is_not_installed', 'This database has no Citus extension: distributing needs a Citus coordinator with its workers added (create extension citus; docs/scale-out.md)');
  }
  const tables = await catalogueTables(database);
  const keys = await catalogueKeys(database);
  const placements = new Map<string, TablePlacement>();
  for (const table of tables) {
    const placement = placementOf(table.name, table.columns);
    assert(placement !== null, `table ${table.name} has no ${tenantColumn} and no placement in src/storage/table-placement.ts`);
    placements.set(table.name, placement);
  }
  const rank = (placement: TablePlacement) => (placement.kind === 'reference' ? 0 : placement.kind === 'distributed' && placement.column === tenantColumn ? 1 : 2);
  const ordered = tablesInKeyOrder(tables.map((table) => table.name), keys)
    .map((name, index) => ({ name, index, placement: placements.get(name)! }))
    .sort((a, b) => rank(a.placement) - rank(b.placement) || a.index - b.index);

  const steps: DistributionStep[] = [];
  /** Tables whose rows were copied into shards: the coordinator keeps a local copy until removed. */
  const copied: string[] = [];
  let colocateWith: string | null = null;
  for (const { name, placement } of ordered) {
    // One transaction a table, under the migration lock: servers starting together with
    // TALLY_CITUS=1 distribute each table once, and an interrupted run resumes where it stopped.
    const changed = await database.transaction(async (transaction) => {
      await transaction.query('select pg_advisory_xact_lock($1)', [migrationLockKey]);
      // A table Citus manages on the coordinator alone (method 'n', replication 's') is not placed
      // yet: Citus turns local tables into such when a reference table they refer to is created.
      const found = (await citusPlacements(transaction)).get(name);
      const current = found && !(found.method === 'n' && found.replication === 's') ? found : undefined;
      if (placement.kind === 'local') {
        if (current) refuse('table_is_placed_otherwise', `table ${name} should be local to the coordinator but is ${found!.method === 'h' ? 'distributed' : 'a reference table'}`);
        return false;
      }
      if (current) {
        const matches = placement.kind === 'reference'
          ? current.method === 'n' && current.replication === 't'
          : current.method === 'h' && current.column === placement.column;
        if (!matches) refuse('table_is_placed_otherwise', `table ${name} should be ${describe(placement)} but is placed otherwise`);
        if (placement.kind === 'distributed' && placement.column === tenantColumn && colocateWith !== null) {
          const anchor = (await citusPlacements(transaction)).get(colocateWith);
          if (anchor?.colocationId !== current.colocationId) refuse('table_is_placed_otherwise', `table ${name} is distributed by ${tenantColumn} but not colocated with ${colocateWith}`);
        }
        return false;
      }
      // Tally's triggers run on the shards (each touches one organisation, colocated on one node).
      await transaction.query(`select set_config('citus.enable_unsafe_triggers', 'on', true)`);
      // Local tables referring to a new reference table stay plain tables until distributed in
      // turn (Citus would otherwise turn them into tables it manages on the coordinator, which it
      // cannot distribute later while they have identity columns); one connection per node, as a
      // table with keys to a reference table needs (a one-time step, no need for parallel DDL).
      await transaction.query(`select set_config('citus.enable_local_reference_table_foreign_keys', 'off', true)`);
      await transaction.query(`select set_config('citus.multi_shard_modify_mode', 'sequential', true)`);
      // A table that already holds rows (a single-node database being moved) is copied into its
      // shards, and the shards' triggers would fire on the copy: balance rows written twice,
      // allocated totals raised again. Its triggers are off for the copy and on again after it.
      const [held] = await transaction.query<{ rows: boolean }>(`select exists (select 1 from ${quoteIdentifier(name)}) as rows`);
      if (held!.rows) copied.push(name);
      const triggers = await transaction.query<{ name: string }>(
        `select tgname as name from pg_trigger where tgrelid = $1::regclass and not tgisinternal and tgenabled = 'O' order by tgname`, [name]);
      for (const trigger of triggers) await transaction.executeScript(`alter table ${quoteIdentifier(name)} disable trigger ${quoteIdentifier(trigger.name)}`);
      if (placement.kind === 'reference') {
        await transaction.query('select create_reference_table($1)', [name]);
      } else if (placement.column === tenantColumn) {
        await transaction.query(`select create_distributed_table($1, $2, colocate_with => $3)`, [name, placement.column, colocateWith ?? 'default']);
      } else {
        await transaction.query(`select create_distributed_table($1, $2, colocate_with => 'none')`, [name, placement.column]);
      }
      for (const trigger of triggers) await transaction.executeScript(`alter table ${quoteIdentifier(name)} enable trigger ${quoteIdentifier(trigger.name)}`);
      return true;
    });
    if (placement.kind === 'distributed' && placement.column === tenantColumn) colocateWith ??= name;
    steps.push({ table: name, placement, changed });
  }
  if (copied.length > 0) {
    // The rows now live in the shards; the coordinator's own copy is dead weight. Removing it
    // truncates the coordinator's tables, which Tally's history triggers refuse, so they are
    // skipped for this transaction (session_replication_role: a superuser's setting, needed only
    // when moving a database that holds rows; a fresh one has nothing to remove).
    await database.transaction(async (transaction) => {
      await transaction.query(`select set_config('session_replication_role', 'replica', true)`);
      for (const name of [...copied].reverse()) await transaction.query('select truncate_local_data_after_distributing_table($1)', [name]);
    });
  }
  return steps;
}
