import type { SqlExecutor } from './database.ts';

/**
 * What the catalogue says of Tally's schema (the `public` schema): its tables, keys, identity
 * columns and triggers. Read by `tally migrate --distribute` (which tables, in which order) and by
 * the schema lint, on PGlite, PostgreSQL and Citus alike.
 */

export interface CatalogueTable {
  readonly name: string;
  /** Column names in their order in the table. */
  readonly columns: readonly string[];
}

export interface CatalogueKey {
  readonly table: string;
  readonly name: string;
  readonly kind: 'primary key' | 'unique' | 'foreign key';
  /** The key's columns, in the key's order. */
  readonly columns: readonly string[];
  /** Foreign keys: the table referred to and its columns, pairwise with `columns`. */
  readonly referencedTable: string | null;
  readonly referencedColumns: readonly string[];
}

export interface CatalogueIdentityColumn {
  readonly table: string;
  readonly column: string;
  readonly type: string;
}

export interface CatalogueTransitionTrigger {
  readonly table: string;
  readonly trigger: string;
  readonly functionName: string;
  /** `referencing old table as …` / `new table as …`, when given. */
  readonly transitionTables: readonly string[];
  /** The function's `create or replace function` text (pg_get_functiondef). */
  readonly functionDefinition: string;
  readonly language: string;
}

export async function catalogueTables(executor: SqlExecutor): Promise<CatalogueTable[]> {
  const rows = await executor.query<{ name: string; columns: string[] }>(
    `select c.relname as name, array_agg(a.attname::text order by a.attnum) as columns
     from pg_class c
     join pg_namespace n on n.oid = c.relnamespace
     join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
     group by c.relname order by c.relname`,
  );
  return rows.map((row) => ({ name: row.name, columns: row.columns }));
}

export async function catalogueKeys(executor: SqlExecutor): Promise<CatalogueKey[]> {
  const rows = await executor.query<{ table: string; name: string; contype: string; columns: string[]; referenced_table: string | null; referenced_columns: string[] | null }>(
    `select c.relname as table, k.conname as name, k.contype::text as contype,
            array(select a.attname::text from unnest(k.conkey) with ordinality as key (attnum, position)
                  join pg_attribute a on a.attrelid = k.conrelid and a.attnum = key.attnum order by key.position) as columns,
            r.relname as referenced_table,
            case when k.contype = 'f' then
              array(select a.attname::text from unnest(k.confkey) with ordinality as key (attnum, position)
                    join pg_attribute a on a.attrelid = k.confrelid and a.attnum = key.attnum order by key.position)
            end as referenced_columns
     from pg_constraint k
     join pg_class c on c.oid = k.conrelid
     join pg_namespace n on n.oid = c.relnamespace
     left join pg_class r on r.oid = k.confrelid
     where n.nspname = 'public' and k.contype in ('p', 'u', 'f') and not c.relispartition
     order by c.relname, k.conname`,
  );
  // Unique indexes made with CREATE UNIQUE INDEX are keys too, though not constraints.
  const indexes = await executor.query<{ table: string; name: string; columns: string[] }>(
    `select c.relname as table, i.relname as name,
            array(select coalesce(a.attname::text, '(expression)') from unnest(x.indkey) with ordinality as key (attnum, position)
                  left join pg_attribute a on a.attrelid = x.indrelid and a.attnum = key.attnum order by key.position) as columns
     from pg_index x
     join pg_class i on i.oid = x.indexrelid
     join pg_class c on c.oid = x.indrelid
     join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and x.indisunique and not c.relispartition
       and not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid and k.contype in ('p', 'u'))
     order by c.relname, i.relname`,
  );
  const kinds: Record<string, CatalogueKey['kind']> = { p: 'primary key', u: 'unique', f: 'foreign key' };
  return [
    ...rows.map((row) => ({
      table: row.table, name: row.name, kind: kinds[row.contype]!, columns: row.columns,
      referencedTable: row.referenced_table, referencedColumns: row.referenced_columns ?? [],
    })),
    ...indexes.map((row) => ({ table: row.table, name: row.name, kind: 'unique' as const, columns: row.columns, referencedTable: null, referencedColumns: [] })),
  ];
}

export async function catalogueIdentityColumns(executor: SqlExecutor): Promise<CatalogueIdentityColumn[]> {
  const rows = await executor.query<{ table: string; column: string; type: string }>(
    `select c.relname as table, a.attname as column, format_type(a.atttypid, a.atttypmod) as type
     from pg_attribute a
     join pg_class c on c.oid = a.attrelid
     join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
       and (a.attidentity <> '' or pg_get_serial_sequence(quote_ident(c.relname), a.attname) is not null)
     order by c.relname, a.attname`,
  );
  return rows;
}

/** The triggers of Tally's tables that name a transition table, with their functions' text. */
export async function catalogueTransitionTriggers(executor: SqlExecutor): Promise<CatalogueTransitionTrigger[]> {
  const rows = await executor.query<{ table: string; trigger: string; function_name: string; old_table: string | null; new_table: string | null; definition: string; language: string }>(
    `select c.relname as table, t.tgname as trigger, p.proname as function_name, t.tgoldtable as old_table, t.tgnewtable as new_table,
            pg_get_functiondef(p.oid) as definition, l.lanname as language
     from pg_trigger t
     join pg_class c on c.oid = t.tgrelid
     join pg_namespace n on n.oid = c.relnamespace
     join pg_proc p on p.oid = t.tgfoid
     join pg_language l on l.oid = p.prolang
     where n.nspname = 'public' and not t.tgisinternal and (t.tgoldtable is not null or t.tgnewtable is not null)
       and not c.relispartition
     order by c.relname, t.tgname`,
  );
  return rows.map((row) => ({
    table: row.table, trigger: row.trigger, functionName: row.function_name, functionDefinition: row.definition, language: row.language,
    transitionTables: [row.old_table, row.new_table].filter((name): name is string => name !== null),
  }));
}
