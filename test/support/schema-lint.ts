/**
 * The schema lint: after migrating, reads the catalogue (src/storage/schema-catalogue.ts) and
 * reports everything that would keep Tally's schema from being distributed by organisation on
 * Citus (docs/scale-out.md), each finding naming its table and, for triggers, the statement:
 *
 * - a table with no placement (no org_id and not in src/storage/table-placement.ts);
 * - a primary or unique key of a distributed table that does not lead with its distribution
 *   column (org_id for every organisation's table);
 * - a foreign key between distributed tables not paired through their distribution columns
 *   (org_id to org_id), or from a reference or local table to a distributed one;
 * - an identity (or serial) column that is not bigint;
 * - a trigger statement that reads a transition table together with another table, which Citus
 *   cannot plan on a shard ("executor could not find named tuplestore").
 *
 * The last rule reads the trigger functions as PostgreSQL itself does: libpg-query is PostgreSQL's
 * own parser (its C source compiled to WebAssembly), for PL/pgSQL bodies and for SQL. Every SQL
 * statement and expression of the function (including the string given to EXECUTE) is parsed, and
 * every table it names is collected from the parse tree, CTE names excepted. A regular expression
 * over the text would be fooled by comments, quoting, aliases and subqueries; a query the lint
 * cannot read (EXECUTE of a string built at run time) in a function with transition tables is
 * reported too, rather than passed unread.
 */
import { loadModule, parsePlPgSQLSync, parseSync } from 'libpg-query';
import type { SqlExecutor } from '../../src/storage/database.ts';
import { catalogueIdentityColumns, catalogueKeys, catalogueTables, catalogueTransitionTriggers } from '../../src/storage/schema-catalogue.ts';
import { placementOf, type TablePlacement } from '../../src/storage/table-placement.ts';

export interface LintFinding {
  readonly table: string;
  readonly problem: string;
}

type Json = unknown;

/** Every value of `key` found anywhere in a parse tree. */
function collect(tree: Json, visit: (key: string, value: Json) => void): void {
  if (Array.isArray(tree)) {
    for (const item of tree) collect(item, visit);
  } else if (tree !== null && typeof tree === 'object') {
    for (const [key, value] of Object.entries(tree)) {
      visit(key, value);
      collect(value, visit);
    }
  }
}

/** The tables a SQL statement names (schema-qualified names by their last part), CTE names excepted. */
function tablesNamed(sql: string): string[] {
  const tree = parseSync(sql);
  const tables = new Set<string>();
  const ctes = new Set<string>();
  collect(tree, (key, value) => {
    // A RangeVar names a table: wrapped as { RangeVar: … } in a FROM list, bare where a field can
    // hold nothing else (the target of UPDATE, INSERT, DELETE, MERGE).
    const relation = (key === 'RangeVar' ? value : key === 'relation' ? value : null) as { relname?: unknown } | null;
    if (typeof relation?.relname === 'string') tables.add(relation.relname);
    if (key === 'CommonTableExpr') ctes.add((value as { ctename: string }).ctename);
  });
  return [...tables].filter((table) => !ctes.has(table));
}

/** The text EXECUTE runs, when it is a string constant (`execute $sql$ … $sql$`), else null. */
function constantString(expression: string): string | null {
  const tree = parseSync(`select ${expression}`) as { stmts: { stmt: { SelectStmt: { targetList: { ResTarget: { val: { A_Const?: { sval?: { sval: string } } } } }[] } } }[] };
  const target = tree.stmts[0]?.stmt.SelectStmt.targetList;
  if (target?.length !== 1) return null;
  return target[0]!.ResTarget.val.A_Const?.sval?.sval ?? null;
}

interface FunctionStatement {
  readonly line: number;
  /** The SQL as PostgreSQL runs it, or null when it is built at run time. */
  readonly sql: string | null;
  readonly text: string;
}

/**
 * Every SQL statement and expression of a PL/pgSQL function, as SQL the parser reads: statements
 * as they are, expressions (conditions, assignments' right-hand sides, defaults) inside `select`,
 * and, for EXECUTE, the string constant it runs.
 */
function functionStatements(definition: string): FunctionStatement[] {
  const statements: FunctionStatement[] = [];
  const expression = (node: { query: string; parseMode?: number }, line: number, executed: boolean) => {
    const { query, parseMode } = node;
    // parseMode: 0 a whole statement; 2 an expression; 3 to 5 an assignment `target := expression`.
    const sql = !parseMode ? query : parseMode === 2 ? `select ${query}` : `select ${query.replace(/^[^:=]*:?=/, '')}`;
    statements.push({ line, sql: executed ? constantString(query) : sql, text: query });
  };
  const walk = (node: Json, line: number, statementKind: string, field: string) => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, line, statementKind, field);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('PLpgSQL_stmt_')) walk(value, (value as { lineno?: number }).lineno ?? line, key, '');
      else if (key === 'PLpgSQL_expr') expression(value as { query: string; parseMode?: number }, line, /dynexecute|dynfors/.test(statementKind) && field === 'query');
      else walk(value, line, statementKind, key);
    }
  };
  walk(parsePlPgSQLSync(definition), 0, '', '');
  return statements;
}

function describe(placement: TablePlacement): string {
  return placement.kind === 'distributed' ? `distributed by ${placement.column}` : placement.kind === 'reference' ? 'a reference table' : 'local';
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

export async function lintSchema(executor: SqlExecutor): Promise<LintFinding[]> {
  await loadModule();
  const findings: LintFinding[] = [];
  const tables = await catalogueTables(executor);
  const placements = new Map<string, TablePlacement>();
  for (const table of tables) {
    const placement = placementOf(table.name, table.columns);
    if (placement) placements.set(table.name, placement);
    else findings.push({ table: table.name, problem: 'has no org_id and no placement in src/storage/table-placement.ts (reference, distributed by its own key, or local)' });
  }

  for (const key of await catalogueKeys(executor)) {
    const placement = placements.get(key.table);
    if (!placement) continue;
    const columns = `(${key.columns.join(', ')})`;
    if (key.kind !== 'foreign key') {
      if (placement.kind === 'distributed' && key.columns[0] !== placement.column) {
        findings.push({ table: key.table, problem: `${key.kind} ${key.name} ${columns} does not lead with ${placement.column}, which the table is distributed by` });
      }
      continue;
    }
    const referenced = placements.get(key.referencedTable!);
    if (!referenced || referenced.kind !== 'distributed') continue; // to a reference (or unplaced, reported above) table
    if (placement.kind !== 'distributed') {
      findings.push({ table: key.table, problem: `foreign key ${key.name} ${columns} of ${describe(placement)} refers to ${key.referencedTable}, which is distributed` });
      continue;
    }
    const paired = key.columns.some((column, index) => column === placement.column && key.referencedColumns[index] === referenced.column);
    if (!paired || placement.column !== referenced.column) {
      findings.push({
        table: key.table,
        problem: `foreign key ${key.name} ${columns} → ${key.referencedTable} (${key.referencedColumns.join(', ')}) is not paired through ${referenced.column} (${placement.column} to ${referenced.column})`,
      });
    }
  }

  for (const identity of await catalogueIdentityColumns(executor)) {
    if (identity.type !== 'bigint') findings.push({ table: identity.table, problem: `identity column ${identity.column} is ${identity.type}, not bigint` });
  }

  for (const trigger of await catalogueTransitionTriggers(executor)) {
    if (trigger.language !== 'plpgsql') {
      findings.push({ table: trigger.table, problem: `trigger ${trigger.trigger} reads transition tables in ${trigger.language}, which the lint cannot read` });
      continue;
    }
    for (const statement of functionStatements(trigger.functionDefinition)) {
      if (statement.sql === null) {
        findings.push({ table: trigger.table, problem: `trigger ${trigger.trigger} (${trigger.functionName}, line ${statement.line}) executes SQL built at run time, which the lint cannot read: ${oneLine(statement.text)}` });
        continue;
      }
      const named = tablesNamed(statement.sql);
      const transition = named.filter((table) => trigger.transitionTables.includes(table));
      if (transition.length > 0 && named.length > 1) {
        const others = named.filter((table) => !transition.includes(table));
        const what = others.length > 0
          ? `the transition table ${transition.join(' and ')} together with ${others.join(', ')}`
          : `the transition tables ${transition.join(' and ')} together`;
        findings.push({ table: trigger.table, problem: `trigger ${trigger.trigger} (${trigger.functionName}, line ${statement.line}) reads ${what}: ${oneLine(statement.text)}` });
      }
    }
  }
  return findings;
}
