import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '../../src/core/outcome.ts';
import { generateOrganisation } from '../../src/generate/generate-organisation.ts';
import { demoAccountsCount, demoOrganisationSlug, demoSeed, seedDemoOrganisation } from '../../src/http/demo.ts';
import { serverSettingsFromEnvironment } from '../../src/http/server.ts';
import { authenticate } from '../../src/services/access/users.ts';
import { executeRun, queueAutoReconcile, runAutoReconcile } from '../../src/services/auto-reconcile.ts';
import type { TallyContext } from '../../src/services/context.ts';
import type { SqlExecutor } from '../../src/storage/database.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { activeAllocations, expectInvariants, planFromDatabase } from '../support/ledger-database.ts';
import { sortAllocations } from '../support/reference-model.ts';

const accountsCount = 50;
const seed = 20261121;

/** Everything generated for an organisation, by external ids only (internal ids differ between organisations). */
async function canonicalDump(executor: SqlExecutor, organisationId: bigint): Promise<string[]> {
  const accounts = await executor.query<{ line: string }>(
    `select concat_ws('|', external_id, owner_name, owner_email) as line from account where org_id = $1 order by external_id`,
    [organisationId],
  );
  const participants = await executor.query<{ line: string }>(
    `select concat_ws('|', p.external_id, a.external_id, p.name, p.birth_date) as line
     from participant p join account a on a.org_id = p.org_id and a.id = p.account_id where p.org_id = $1 order by p.external_id`,
    [organisationId],
  );
  const documents = await executor.query<{ line: string }>(
    `select concat_ws('|', d.external_id, a.external_id, d.kind, d.side, d.date, d.amount_minor, balance.allocated_minor, invoice.external_id, d.position,
                      d.description, d.ledger_code, p.external_id, d.rl24_eligible, d.method, d.reference, target.external_id, d.scheduled,
                      d.collected_on) as line
     from document d
     join document_balance balance on balance.org_id = d.org_id and balance.document_id = d.id
     join account a on a.org_id = d.org_id and a.id = d.account_id
     left join document invoice on invoice.org_id = d.org_id and invoice.id = d.invoice_id
     left join document target on target.org_id = d.org_id and target.id = d.reference_document_id
     left join participant p on p.org_id = d.org_id and p.id = d.participant_id
     where d.org_id = $1 order by d.external_id`,
    [organisationId],
  );
  const allocations = await executor.query<{ line: string }>(
    `select concat_ws('|', c.external_id, d.external_id, a.amount_minor, a.source) as line
     from allocation a join document c on c.org_id = a.org_id and c.id = a.credit_id join document d on d.org_id = a.org_id and d.id = a.debit_id
     where a.org_id = $1 and a.removed_at is null order by 1`,
    [organisationId],
  );
  return [...accounts, ...participants, ...documents, ...allocations].map((row) => row.line);
}

for (const dialect of dialects) {
  describe(`tally generate on ${dialect.name}`, () => {
    let test: TestDatabase;
    beforeAll(async () => {
      test = await dialect.open();
    });
    afterAll(async () => {
      await test.drop();
    });

    it('makes the same organisation from the same seed, with every kind of document, consistent allocations and work left for auto-reconcile', async () => {
      const { database } = test;
      const first = unwrap(await generateOrganisation(database, { slug: `generated-a-${process.pid}`, accountsCount, seed, actor: 'test', chunkAccounts: 20 }));
      const second = unwrap(await generateOrganisation(database, { slug: `generated-b-${process.pid}`, accountsCount, seed, actor: 'test', chunkAccounts: 7 }));
      expect(first.accountsCount).toBe(accountsCount);
      expect(second.documentsCount).toBe(first.documentsCount);
      const dump = await canonicalDump(database, first.organisation.id);
      expect(dump.length).toBeGreaterThan(accountsCount * 10);
      expect(await canonicalDump(database, second.organisation.id)).toEqual(dump);
      await expectInvariants(database, first.organisation.id);

      const [shape] = await database.query<{
        kinds: string; scheduled: bigint; open: bigint; zero_items: bigint; rl24_items: bigint; sources: string;
        cancellations_off_their_item: bigint; over_allocated: bigint; positions_out_of_order: bigint;
      }>(
        `select (select string_agg(distinct kind, ',' order by kind) from document where org_id = $1) as kinds,
                (select count(*) from document where org_id = $1 and scheduled) as scheduled,
                (select count(*) from document_balance where org_id = $1 and side <> 'none' and allocated_minor < amount_minor) as open,
                (select count(*) from document where org_id = $1 and kind = 'item' and amount_minor = 0) as zero_items,
                (select count(*) from document where org_id = $1 and kind = 'item' and rl24_eligible and participant_id is not null) as rl24_items,
                (select string_agg(distinct source, ',' order by source) from allocation where org_id = $1) as sources,
                (select count(*) from document c left join document item on item.org_id = c.org_id and item.id = c.reference_document_id
                 where c.org_id = $1 and c.kind = 'cancellation'
                   and (item.kind is distinct from 'item' or item.ledger_code <> c.ledger_code or c.amount_minor > item.amount_minor)) as cancellations_off_their_item,
                (select count(*) from document_balance where org_id = $1 and allocated_minor > amount_minor) as over_allocated,
                (select count(*) from (select position, row_number() over (partition by invoice_id order by id) as expected
                                       from document where org_id = $1 and kind = 'item') item where position <> expected) as positions_out_of_order`,
        [first.organisation.id],
      );
      expect(shape!.kinds).toBe('cancellation,credit,deposit,invoice,item,payment,refund');
      expect(shape!.scheduled).toBeGreaterThan(0n);
      expect(Number(shape!.open)).toBeGreaterThan(accountsCount * 5);
      expect(shape!.zero_items).toBeGreaterThan(0n);
      expect(shape!.rl24_items).toBeGreaterThan(0n);
      expect(shape!.sources).toBe('checkout,installments');
      expect(shape!.cancellations_off_their_item).toBe(0n);
      expect(shape!.over_allocated).toBe(0n);
      expect(shape!.positions_out_of_order).toBe(0n);

      const refused = await generateOrganisation(database, { slug: first.organisation.slug, accountsCount: 1, seed, actor: 'test' });
      expect(refused.ok ? 'accepted' : refused.refusal.code).toBe('value_is_not_allowed');
    });

    it('gives auto-reconcile data on which the set-based run writes exactly what the pure planner plans', async () => {
      const { database } = test;
      const generated = unwrap(await generateOrganisation(database, { slug: `generated-run-${process.pid}`, accountsCount: 30, seed: seed + 1, actor: 'test' }));
      const context: TallyContext = { database, organisation: generated.organisation, actor: 'test' };
      const accounts = await database.query<{ external_id: string }>('select external_id from account where org_id = $1 order by id', [generated.organisation.id]);
      const planned = sortAllocations((await Promise.all(accounts.map((account) => planFromDatabase(database, context, account.external_id, 'reference')))).flat());
      expect(planned.length).toBeGreaterThan(0);
      const run = unwrap(await runAutoReconcile(context, { kind: 'all' }, { strategy: 'reference', dryRun: false }));
      const written = await activeAllocations(database, context, { runId: run.runId! });
      expect(sortAllocations(written.map(({ creditKey, debitKey, amountMinor }) => ({ creditKey, debitKey, amountMinor })))).toEqual(planned);
      expect(run.allocationsByPass.referencedDebit).toBeGreaterThan(0);
      expect(run.allocationsByPass.referencedInvoice).toBeGreaterThan(0);
      expect(run.accountsLeftOpen.unreconciled).toBe(0);
      await expectInvariants(database, generated.organisation.id);
    });

    it('writes the same allocations and summary in batches of a few accounts (side by side on PostgreSQL) as in one batch', async () => {
      const { database } = test;
      const options = { accountsCount: 40, seed: seed + 2, actor: 'test' };
      const whole = unwrap(await generateOrganisation(database, { ...options, slug: `batched-whole-${process.pid}` }));
      const split = unwrap(await generateOrganisation(database, { ...options, slug: `batched-split-${process.pid}` }));
      const wholeContext: TallyContext = { database, organisation: whole.organisation, actor: 'test' };
      const splitContext: TallyContext = { database, organisation: split.organisation, actor: 'test' };
      const oneBatch = unwrap(await runAutoReconcile(wholeContext, { kind: 'all' }, { strategy: 'reference', dryRun: false }));

      const { runRowId: runId } = unwrap(await queueAutoReconcile(splitContext, { kind: 'all' }, 'reference'));
      let progressCalls = 0;
      const execution = await executeRun(splitContext, runId, { batchAccounts: 3, onProgress: () => (progressCalls += 1) });
      expect(execution.result).toBe('completed');
      if (execution.result !== 'completed') return;
      // 40 accounts in batches of 3: 14 batches, each reported once, after the first report.
      expect(progressCalls).toBe(15);
      const { runId: _splitRun, ...splitSummary } = execution.summary;
      const { runId: _wholeRun, ...wholeSummary } = oneBatch;
      expect(splitSummary).toEqual(wholeSummary);
      const [batches] = await database.query<{ count: bigint; accounts: bigint }>(
        'select count(*) as count, sum(accounts_count) as accounts from reconciliation_run_batch where org_id = $1 and run_id = $2', [split.organisation.id, runId],
      );
      expect(batches).toEqual({ count: 14n, accounts: 40n });
      const canonical = async (organisationId: bigint) => (await canonicalDump(database, organisationId)).filter((line) => line.split('|').length === 4);
      expect(await canonical(split.organisation.id)).toEqual(await canonical(whole.organisation.id));
      await expectInvariants(database, split.organisation.id);
    });

    /** A generation stopped after its first chunk committed, as Ctrl-C or a killed process would leave it. */
    class Interrupted extends Error {}
    async function generateInterrupted(database: TestDatabase['database'], slug: string, options: { accountsCount: number; seed: number; chunkAccounts: number }): Promise<void> {
      const stopped = await generateOrganisation(database, {
        slug, ...options, actor: 'test',
        onProgress: () => { throw new Interrupted('stopped after the first chunk'); },
      }).then(() => null, (error: unknown) => error);
      expect(stopped).toBeInstanceOf(Interrupted);
    }

    it('resumes a generation stopped part-way, giving the same organisation as one run, and refuses one of another seed', async () => {
      await generateInterrupted(test.database, 'gen-resumed', { accountsCount, seed, chunkAccounts: 20 });
      const [partial] = await test.database.query<{ count: bigint }>('select count(*) as count from account where org_id = (select id from organisation where slug = $1)', ['gen-resumed']);
      expect(partial!.count).toBe(20n);
      const otherSeed = await generateOrganisation(test.database, { slug: 'gen-resumed', accountsCount, seed: seed + 1, actor: 'test' });
      expect(otherSeed).toMatchObject({ ok: false, refusal: { code: 'value_is_not_allowed', path: 'org' } });
      const resumed = unwrap(await generateOrganisation(test.database, { slug: 'gen-resumed', accountsCount, seed, actor: 'test', chunkAccounts: 20 }));
      expect(resumed.accountsCount).toBe(accountsCount);
      const whole = unwrap(await generateOrganisation(test.database, { slug: 'gen-whole', accountsCount, seed, actor: 'test' }));
      expect(await canonicalDump(test.database, resumed.organisation.id)).toEqual(await canonicalDump(test.database, whole.organisation.id));
    });

    it('a first start interrupted while seeding the demo resumes at the next start and prints the owner', async () => {
      const fresh = await dialect.open();
      try {
        await generateInterrupted(fresh.database, demoOrganisationSlug, { accountsCount: demoAccountsCount, seed: demoSeed, chunkAccounts: 200 });
        const settings = { ...serverSettingsFromEnvironment({}), adminPassword: 'first start password' };
        const seeded = await seedDemoOrganisation(fresh.database, settings);
        expect(seeded).toEqual({ slug: demoOrganisationSlug, email: settings.adminEmail, password: 'first start password' });
        const [accounts] = await fresh.database.query<{ count: bigint }>('select count(*) as count from account');
        expect(accounts!.count).toBe(BigInt(demoAccountsCount));
        expect(await authenticate(fresh.database, settings.adminEmail, 'first start password')).not.toBeNull();
        // Started again: the owner exists, nothing is seeded or printed.
        expect(await seedDemoOrganisation(fresh.database, settings)).toBeNull();
      } finally {
        await fresh.drop();
      }
    });
  });
}
