import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../../src/cli/exit-codes.ts';
import { distributeTables } from '../../src/storage/distribute.ts';
import { databaseSettingsFromEnvironment, openDatabase } from '../../src/storage/open-database.ts';
import { catalogueTables } from '../../src/storage/schema-catalogue.ts';
import { tablePlacementExceptions } from '../../src/storage/table-placement.ts';
import { dialects, serverDialects, type TestDatabase } from '../support/dialects.ts';

const tallyBin = fileURLToPath(new URL('../../bin/tally.js', import.meta.url));
/** Each run starts Node, tsx and the database; on a busy machine that takes seconds. */
const cliTestTimeoutMs = 180_000;

function tally(environment: Record<string, string>, args: readonly string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [tallyBin, ...args], { env: { ...process.env, TALLY_ACTOR: 'cli-test', ...environment } }, (error, stdout, stderr) => {
      resolve({ exitCode: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const citusAbsent = 'error: This database has no Citus extension: distributing needs a Citus coordinator with its workers added (create extension citus; docs/scale-out.md) [citus_is_not_installed]\n';

/** `tally migrate --distribute` (and TALLY_CITUS=1): distributes on Citus, idempotently; refuses clearly elsewhere. */
for (const dialect of dialects) {
  describe(`distributing the schema on ${dialect.name}`, () => {
    let test: TestDatabase;
    beforeAll(async () => {
      test = await dialect.open();
    });
    afterAll(async () => {
      await test.drop();
    });

    if (dialect.name !== 'citus') {
      it('is refused with citus_is_not_installed, changing nothing', async () => {
        await expect(distributeTables(test.database)).rejects.toMatchObject({ refusal: { code: 'citus_is_not_installed' } });
      });
      return;
    }

    it('places every table as planned, each organisation table colocated, and a second run changes nothing', async () => {
      // The dialect distributed the schema already, as `tally migrate --distribute` does.
      const placed = await test.database.query<{ table: string; method: string; replication: string; column: string | null; colocation_id: number; shards: bigint }>(
        `select c.relname as table, p.partmethod::text as method, p.repmodel::text as replication,
                case when p.partmethod = 'h' then column_to_column_name(p.logicalrelid, p.partkey) end as column,
                p.colocationid as colocation_id, (select count(*) from pg_dist_shard s where s.logicalrelid = p.logicalrelid) as shards
         from pg_dist_partition p join pg_class c on c.oid = p.logicalrelid order by c.relname`,
      );
      const tables = (await catalogueTables(test.database)).map((table) => table.name);
      const byName = new Map(placed.map((row) => [row.table, row]));
      const organisationTables = tables.filter((table) => !(table in tablePlacementExceptions));
      expect(organisationTables).toEqual(expect.arrayContaining(['account', 'allocation', 'document', 'document_balance', 'job', 'membership', 'idempotency_key']));
      for (const table of organisationTables) expect(byName.get(table), table).toMatchObject({ method: 'h', column: 'org_id' });
      expect(new Set(organisationTables.map((table) => byName.get(table)!.colocation_id)).size).toBe(1);
      expect(Number(byName.get('account')!.shards)).toBeGreaterThan(1);
      for (const table of ['organisation', 'app_user', 'api_token']) expect(byName.get(table), table).toMatchObject({ method: 'n', replication: 't' });
      expect(byName.get('user_session')).toMatchObject({ method: 'h', column: 'id_hash' });
      expect(byName.get('user_session')!.colocation_id).not.toBe(byName.get('account')!.colocation_id);
      expect(byName.has('schema_migration')).toBe(false);

      const again = await distributeTables(test.database);
      expect(again.filter((step) => step.changed)).toEqual([]);
      expect(again.map((step) => step.table).sort()).toEqual([...tables].sort());
    });
  });
}

describe('TALLY_CITUS=1 on start', () => {
  it('is read from the environment, and refuses to open the embedded database, saying Citus is needed', async () => {
    expect(databaseSettingsFromEnvironment({ TALLY_CITUS: '1' }).distribute).toBe(true);
    expect(databaseSettingsFromEnvironment({}).distribute).toBe(false);
    await expect(openDatabase({ dataDirectory: 'memory', distribute: true })).rejects.toMatchObject({ refusal: { code: 'citus_is_not_installed' } });
  });
});

describe('tally migrate --distribute', () => {
  it('refuses on the embedded database, saying Citus is needed', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'tally-distribute-'));
    try {
      const run = await tally({ TALLY_DATA: fresh, DATABASE_URL: '' }, ['migrate', '--distribute']);
      expect(run.stderr).toBe(citusAbsent);
      expect(run.exitCode).toBe(exitCodes.unsupported);
      expect(run.stdout).toMatch(/^applied 0001_ledger, /);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  }, cliTestTimeoutMs);

  for (const server of serverDialects) {
    it(`on ${server.name}: ${server.name === 'citus' ? 'places every table, then says every table is already placed' : 'refuses, saying Citus is needed'}`, async () => {
      const test = await server.open(2, { schema: false });
      try {
        const first = await tally({ DATABASE_URL: test.url }, ['migrate', '--distribute']);
        if (server.name !== 'citus') {
          expect(first.stderr).toBe(citusAbsent);
          expect(first.exitCode).toBe(exitCodes.unsupported);
          return;
        }
        expect(first.stderr).toBe('');
        expect(first.stdout).toContain('placed ');
        expect(first.stdout).toMatch(/distributed by org_id, colocated: .*\ballocation\b/);
        expect(first.stdout).toContain('reference tables: ');
        const second = await tally({ DATABASE_URL: test.url }, ['migrate', '--distribute']);
        expect(second).toEqual({ exitCode: 0, stderr: '', stdout: 'schema is up to date\nevery table is already placed\n  local to the coordinator: schema_migration\n' });
      } finally {
        await test.drop();
      }
    }, cliTestTimeoutMs);
  }
});
