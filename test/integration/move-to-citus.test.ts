import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '../../src/core/outcome.ts';
import { generateOrganisation } from '../../src/generate/generate-organisation.ts';
import { runAutoReconcile, undoRun } from '../../src/services/auto-reconcile.ts';
import type { TallyContext } from '../../src/services/context.ts';
import { distributeTables } from '../../src/storage/distribute.ts';
import { addCitusWorkers, createPostgresTestDatabase, serverDialects, type TestDatabase } from '../support/dialects.ts';
import { expectInvariants } from '../support/ledger-database.ts';

const citus = serverDialects.find((server) => server.name === 'citus');

/** What an organisation holds: documents, allocations and allocated totals, by external ids. */
async function fingerprint(test: TestDatabase, organisationId: bigint) {
  const [row] = await test.database.query<{ documents: bigint; allocations: bigint; allocated: string; lines: string }>(
    `select (select count(*) from document where org_id = $1) as documents,
            (select count(*) from allocation where org_id = $1) as allocations,
            (select coalesce(sum(allocated_minor), 0)::text from document_balance where org_id = $1) as allocated,
            (select md5(coalesce(string_agg(c.external_id || '>' || d.external_id || ':' || a.amount_minor || ':' || (a.removed_at is null), ',' order by a.id), ''))
             from allocation a join document c on c.org_id = a.org_id and c.id = a.credit_id join document d on d.org_id = a.org_id and d.id = a.debit_id
             where a.org_id = $1) as lines`,
    [organisationId],
  );
  return row;
}

/**
 * The operator's move from one PostgreSQL server to a Citus cluster (docs/scale-out.md): a database
 * written on a single node, with a reconciled organisation and one not yet reconciled, gets the
 * citus extension and its workers, then `tally migrate --distribute` (distributeTables). Every row
 * is where it was, the invariants hold, and the engine reconciles, runs and undoes on the cluster.
 */
describe.skipIf(!citus)('moving a single-node database to Citus (needs TEST_CITUS_URL)', () => {
  let test: TestDatabase & { url: string };
  let dropWorkerDatabases = async () => {};
  beforeAll(async () => {
    // A plain database on the coordinator's server, before it has the extension: a single node.
    test = await createPostgresTestDatabase(citus!.serverUrl, 4);
  });
  afterAll(async () => {
    await test.drop();
    await dropWorkerDatabases();
  });

  it('keeps every row and total, and the engine works on the distributed tables', async () => {
    const reconciled = unwrap(await generateOrganisation(test.database, { slug: 'reconciled-before', accountsCount: 200, seed: 3, actor: 'test' }));
    const waiting = unwrap(await generateOrganisation(test.database, { slug: 'reconciled-after', accountsCount: 200, seed: 4, actor: 'test' }));
    const reconciledContext: TallyContext = { database: test.database, organisation: reconciled.organisation, actor: 'test' };
    const waitingContext: TallyContext = { database: test.database, organisation: waiting.organisation, actor: 'test' };
    const run = unwrap(await runAutoReconcile(reconciledContext, { kind: 'all' }, { strategy: 'reference', dryRun: false }));
    expect(run.allocationsCount).toBeGreaterThan(0);
    const before = [await fingerprint(test, reconciled.organisation.id), await fingerprint(test, waiting.organisation.id)];

    const name = new URL(test.url).pathname.slice(1);
    ({ dropWorkerDatabases } = await addCitusWorkers(citus!.serverUrl, name));
    const steps = await distributeTables(test.database);
    expect(steps.filter((step) => step.changed).map((step) => step.table)).toEqual(expect.arrayContaining(['account', 'allocation', 'document', 'document_balance', 'organisation']));
    const [distributed] = await test.database.query<{ count: bigint }>(`select count(*) as count from pg_dist_partition where partmethod = 'h'`);
    expect(distributed!.count).toBeGreaterThan(5n);

    expect([await fingerprint(test, reconciled.organisation.id), await fingerprint(test, waiting.organisation.id)]).toEqual(before);
    // The coordinator's own copy of the rows is gone: they live in the shards only.
    const [local] = await test.database.query<{ bytes: bigint }>(`select pg_relation_size('document') + pg_relation_size('allocation') + pg_relation_size('document_balance') as bytes`);
    expect(local!.bytes).toBe(0n);
    await expectInvariants(test.database);

    const after = unwrap(await runAutoReconcile(waitingContext, { kind: 'all' }, { strategy: 'reference', dryRun: false }));
    expect(after.allocationsCount).toBeGreaterThan(0);
    unwrap(await undoRun(reconciledContext, run.runId!));
    await expectInvariants(test.database);
    const [active] = await test.database.query<{ count: bigint }>('select count(*) as count from allocation where org_id = $1 and run_id = $2 and removed_at is null', [reconciled.organisation.id, run.runId]);
    expect(active!.count).toBe(0n);
  }, 300_000);
});
