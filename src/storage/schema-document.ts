import type { SqlExecutor } from './database.ts';

/**
 * The whole schema of a migrated database as one readable SQL document (docs/schema.sql), read from
 * the catalogue: tables with their columns, constraints, indexes and triggers, then the functions.
 * To understand `allocation` one reads this, not nine migrations. Everything is sorted by name so
 * the text depends only on the schema, never on the order migrations happened to create things in.
 *
 * The outline (names and column types, without definitions) is what two engines must agree on:
 * PGlite and PostgreSQL print some definitions differently across major versions.
 */

export interface SchemaColumn {
  readonly name: string;
  readonly type: string;
  readonly notNull: boolean;
  readonly defaultExpression: string | null;
  /** 'always' or 'by default' for identity columns. */
  readonly identity: 'always' | 'by default' | null;
}

export interface SchemaTable {
  readonly name: string;
  readonly columns: readonly SchemaColumn[];
  readonly constraints: readonly { readonly name: string; readonly definition: string }[];
  readonly indexes: readonly { readonly name: string; readonly definition: string }[];
  readonly triggers: readonly { readonly name: string; readonly definition: string }[];
}

export interface SchemaDocument {
  readonly tables: readonly SchemaTable[];
  readonly functions: readonly { readonly signature: string; readonly definition: string }[];
}

/** Names and types only: what PGlite and PostgreSQL must have alike after the same migrations. */
export interface SchemaOutline {
  readonly tables: readonly { readonly name: string; readonly columns: readonly string[]; readonly constraints: readonly string[]; readonly indexes: readonly string[]; readonly triggers: readonly string[] }[];
  readonly functions: readonly string[];
}

export async function readSchemaDocument(executor: SqlExecutor): Promise<SchemaDocument> {
  const columns = await executor.query<{ table: string; name: string; type: string; not_null: boolean; default_expression: string | null; identity: string }>(
    `select c.relname as table, a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
            a.attnotnull as not_null, pg_get_expr(d.adbin, d.adrelid) as default_expression, a.attidentity::text as identity
     from pg_class c
     join pg_namespace n on n.oid = c.relnamespace
     join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
     where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
     order by c.relname, a.attnum`,
  );
  // contype 'n' (not-null constraints, catalogued from PostgreSQL 18 on) is left out: the columns say it.
  const constraints = await executor.query<{ table: string; name: string; definition: string }>(
    `select c.relname as table, k.conname as name, pg_get_constraintdef(k.oid) as definition
     from pg_constraint k
     join pg_class c on c.oid = k.conrelid
     join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and k.contype in ('p', 'u', 'f', 'c', 'x')
     order by c.relname, k.conname`,
  );
  const indexes = await executor.query<{ table: string; name: string; definition: string }>(
    `select i.tablename as table, i.indexname as name, i.indexdef as definition
     from pg_indexes i
     where i.schemaname = 'public'
       and not exists (select 1 from pg_constraint k join pg_class x on x.oid = k.conindid where x.relname = i.indexname)
     order by i.tablename, i.indexname`,
  );
  const triggers = await executor.query<{ table: string; name: string; definition: string }>(
    `select c.relname as table, t.tgname as name, pg_get_triggerdef(t.oid) as definition
     from pg_trigger t
     join pg_class c on c.oid = t.tgrelid
     join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and not t.tgisinternal
     order by c.relname, t.tgname`,
  );
  const functions = await executor.query<{ signature: string; definition: string }>(
    `select p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' as signature, pg_get_functiondef(p.oid) as definition
     from pg_proc p
     join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'public' and p.prokind = 'f'
       and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
     order by p.proname, pg_get_function_identity_arguments(p.oid)`,
  );
  const tableNames = [...new Set(columns.map((column) => column.table))];
  return {
    tables: tableNames.map((table) => ({
      name: table,
      columns: columns.filter((column) => column.table === table).map((column) => ({
        name: column.name,
        type: column.type,
        notNull: column.not_null,
        defaultExpression: column.default_expression,
        identity: column.identity === 'a' ? 'always' : column.identity === 'd' ? 'by default' : null,
      })),
      constraints: constraints.filter((row) => row.table === table).map(({ name, definition }) => ({ name, definition })),
      indexes: indexes.filter((row) => row.table === table).map(({ name, definition }) => ({ name, definition })),
      triggers: triggers.filter((row) => row.table === table).map(({ name, definition }) => ({ name, definition })),
    })),
    functions: functions.map(({ signature, definition }) => ({ signature, definition })),
  };
}

export function schemaOutline(document: SchemaDocument): SchemaOutline {
  return {
    tables: document.tables.map((table) => ({
      name: table.name,
      columns: table.columns.map((column) => `${column.name} ${column.type}${column.notNull ? ' not null' : ''}`),
      constraints: table.constraints.map((constraint) => constraint.name),
      indexes: table.indexes.map((index) => index.name),
      triggers: table.triggers.map((trigger) => trigger.name),
    })),
    functions: document.functions.map((routine) => routine.signature),
  };
}

function renderColumn(column: SchemaColumn): string {
  const parts = [`  ${column.name} ${column.type}`];
  if (column.identity) parts.push(`generated ${column.identity} as identity`);
  if (column.defaultExpression !== null) parts.push(`default ${column.defaultExpression}`);
  if (column.notNull) parts.push('not null');
  return parts.join(' ');
}

/** The document as SQL text: a schema one can read top to bottom. */
export function renderSchemaDocument(document: SchemaDocument, header: readonly string[]): string {
  const lines: string[] = header.map((line) => `-- ${line}`);
  for (const table of document.tables) {
    lines.push('', `create table ${table.name} (`, table.columns.map(renderColumn).join(',\n'), ');');
    for (const constraint of table.constraints) lines.push(`alter table ${table.name} add constraint ${constraint.name} ${constraint.definition};`);
    for (const index of table.indexes) lines.push(`${index.definition};`);
    for (const trigger of table.triggers) lines.push(`${trigger.definition};`);
  }
  for (const routine of document.functions) lines.push('', `${routine.definition.trimEnd()};`);
  return `${lines.join('\n')}\n`;
}
