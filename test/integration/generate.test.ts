import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '../../src/core/outcome.ts';
import { periodOfYear } from '../../src/core/report-input.ts';
import { generateOrganisation } from '../../src/generate/generate-organisation.ts';
import { demoAccountsCount, demoOrganisationSlug, demoSeed, seedDemoOrganisation } from '../../src/http/demo.ts';
import { serverSettingsFromEnvironment } from '../../src/http/server.ts';
import { authenticate } from '../../src/services/access/users.ts';
import { collectionsSummary, rl24BlockersPage, rl24SlipsPage } from '../../src/services/reports.ts';
import { executeRun, queueAutoReconcile, runAutoReconcile } from '../../src/services/auto-reconcile.ts';
import type { TallyContext } from '../../src/services/context.ts';
import type { Database, SqlExecutor } from '../../src/storage/database.ts';
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
      expect(shape!.sources).toBe('checkout,installments,manual');
      expect(shape!.cancellations_off_their_item).toBe(0n);
      expect(shape!.over_allocated).toBe(0n);
      expect(shape!.positions_out_of_order).toBe(0n);

      const refused = await generateOrganisation(database, { slug: first.organisation.slug, accountsCount: 1, seed, actor: 'test' });
      expect(refused.ok ? 'accepted' : refused.refusal.code).toBe('value_is_not_allowed');
    });

    it('gives the reports something to show: children without a birth date or over age, items without a ledger code or child, refunds covered by their cancellation, partly, or not', async () => {
      const { database } = test;
      const generated = unwrap(await generateOrganisation(database, { slug: `generated-reports-${process.pid}`, accountsCount: 200, seed, actor: 'test' }));
      const organisationId = generated.organisation.id;
      const [features] = await database.query<Record<string, bigint>>(
        `select
           (select count(*) from participant where org_id = $1 and birth_date is null) as participants_without_birth_date,
           (select count(*) from participant where org_id = $1 and birth_date between date '2004-01-01' and date '2007-12-31') as participants_born_2004_to_2007,
           (select count(*) from participant where org_id = $1 and birth_date < date '2004-01-01') as participants_born_before_2004,
           (select count(*) from document where org_id = $1 and kind = 'item' and amount_minor > 0 and ledger_code = '') as priced_items_without_ledger_code,
           (select count(*) from document c join document item on item.org_id = c.org_id and item.id = c.reference_document_id
            where c.org_id = $1 and c.kind = 'cancellation' and c.ledger_code = '') as cancellations_without_ledger_code,
           (select count(distinct ledger_code) from document where org_id = $1 and kind = 'item' and ledger_code <> '') as ledger_codes,
           (select count(*) from document where org_id = $1 and kind = 'item' and rl24_eligible and participant_id is not null) as eligible_items_with_participant,
           (select count(*) from document where org_id = $1 and kind = 'item' and rl24_eligible and participant_id is null) as eligible_items_without_participant,
           (select count(*) from document item where org_id = $1 and kind = 'item' and rl24_eligible and participant_id is null
              and not exists (select 1 from allocation a where a.org_id = item.org_id and a.debit_id = item.id and a.removed_at is null)) as eligible_items_without_participant_or_money,
           (select count(*) from document where org_id = $1 and kind = 'item' and rl24_eligible and participant_id is null and description like '%(%') as eligible_items_without_participant_naming_one,
           (select count(*) from document_balance where org_id = $1 and kind = 'refund' and allocated_minor = amount_minor) as refunds_covered,
           (select count(*) from document_balance where org_id = $1 and kind = 'refund' and allocated_minor > 0 and allocated_minor < amount_minor) as refunds_partly_covered,
           (select count(*) from document_balance where org_id = $1 and kind = 'refund' and allocated_minor = 0) as refunds_not_covered,
           (select count(*) from allocation a join document c on c.org_id = a.org_id and c.id = a.credit_id join document item on item.org_id = c.org_id and item.id = c.reference_document_id
            where a.org_id = $1 and a.source = 'manual' and item.rl24_eligible) as eligible_cancellations_covering_refunds,
           (select count(*) from allocation a join document c on c.org_id = a.org_id and c.id = a.credit_id join document r on r.org_id = a.org_id and r.id = a.debit_id
            where a.org_id = $1 and a.source = 'manual'
              and not (c.kind = 'cancellation' and r.kind = 'refund' and r.reference = c.external_id and r.amount_minor = c.amount_minor
                       and (a.amount_minor = r.amount_minor or a.amount_minor = r.amount_minor / 2))) as manual_allocations_not_a_refund_of_its_cancellation,
           (select count(*) from document d join document_balance b on b.org_id = d.org_id and b.document_id = d.id
            where d.org_id = $1 and (d.kind = 'deposit' or (d.kind = 'payment' and not d.scheduled)) and b.allocated_minor < b.amount_minor) as money_in_not_fully_allocated`,
        [organisationId],
      );
      // The counts this seed gives (200 accounts): each feature a few percent, as the generator's constants say.
      expect(features).toEqual({
        participants_without_birth_date: 16n,
        participants_born_2004_to_2007: 11n,
        participants_born_before_2004: 0n,
        priced_items_without_ledger_code: 64n,
        cancellations_without_ledger_code: 3n,
        ledger_codes: 9n,
        eligible_items_with_participant: 659n,
        eligible_items_without_participant: 9n,
        eligible_items_without_participant_or_money: 0n,
        eligible_items_without_participant_naming_one: 0n,
        refunds_covered: 35n,
        refunds_partly_covered: 3n,
        refunds_not_covered: 6n,
        eligible_cancellations_covering_refunds: 15n,
        manual_allocations_not_a_refund_of_its_cancellation: 0n,
        money_in_not_fully_allocated: 664n,
      });
      await expectInvariants(database, organisationId);
    });

    it('gives the demo organisation both reports and every RL-24 blocker reason in 2025 and 2026, before and after auto-reconcile', async () => {
      // On a database of its own, as on first start: after this file's other organisations and their
      // statistics, PGlite plans the generator's writes for small tables and takes ten times longer.
      const fresh = await dialect.open();
      try {
        await expectDemoReports(fresh.database);
      } finally {
        await fresh.drop();
      }
    });

    async function expectDemoReports(database: Database): Promise<void> {
      const demo = unwrap(await generateOrganisation(database, { slug: 'demo', accountsCount: demoAccountsCount, seed: demoSeed, actor: 'test' }));
      const context: TallyContext = { database, organisation: demo.organisation, actor: 'test' };
      const reasonCounts = async (year: number) =>
        (await rl24BlockersPage(context, year, new Date(), null, { page: 1, pageSize: 1 })).reasons.map(({ reason, count }) => `${reason} ${count}`);
      const lineNames = (lines: readonly { line: string; ledgerCode: string | null }[]) => lines.map(({ line, ledgerCode }) => ledgerCode ?? line);

      const collections2025 = await collectionsSummary(context, periodOfYear(2025), new Date());
      expect(lineNames(collections2025.lines)).toEqual(['CAMP-CARE', 'CAMP-DAY', 'CHILDCARE', 'MEMBERSHIP', 'REG-AQUATICS', 'REG-ARTS', 'REG-SPORTS', 'RENTAL', 'no_ledger_code', 'unallocated', 'total']);
      // Refunds land on ledger codes (covered by the cancellation of an item), on no ledger code, and unallocated (not covered).
      expect(collections2025.lines.filter((line) => line.refundedMinor > 0n).map((line) => line.ledgerCode ?? line.line)).toEqual([
        'CAMP-CARE', 'CAMP-DAY', 'CHILDCARE', 'MEMBERSHIP', 'REG-AQUATICS', 'REG-ARTS', 'REG-SPORTS', 'RENTAL', 'no_ledger_code', 'unallocated', 'total',
      ]);
      expect(collections2025.unallocatedDocumentCount).toBe(620);
      expect((await rl24SlipsPage(context, 2025, new Date(), null, { page: 1, pageSize: 1 })).totals).toEqual({ slipCount: 178, amountMinor: 4068410n });
      expect(await reasonCounts(2025)).toEqual([
        'money_not_fully_allocated 576', 'refund_not_fully_covered 10', 'eligible_item_without_participant 13',
        'participant_without_birth_date 7', 'participant_over_age 2', 'refunds_exceed_payments 7',
      ]);
      expect(await reasonCounts(2026)).toEqual([
        'money_not_fully_allocated 511', 'refund_not_fully_covered 11', 'eligible_item_without_participant 13',
        'participant_without_birth_date 4', 'participant_over_age 18', 'refunds_exceed_payments 2',
      ]);

      // Reconciling the whole organisation leaves fewer blockers, but still one of each reason to show.
      unwrap(await runAutoReconcile(context, { kind: 'all' }, { strategy: 'reference', dryRun: false }));
      expect(await reasonCounts(2025)).toEqual([
        'money_not_fully_allocated 22', 'refund_not_fully_covered 2', 'eligible_item_without_participant 13',
        'participant_without_birth_date 11', 'participant_over_age 6', 'refunds_exceed_payments 7',
      ]);
      expect(await reasonCounts(2026)).toEqual([
        'money_not_fully_allocated 34', 'refund_not_fully_covered 8', 'eligible_item_without_participant 13',
        'participant_without_birth_date 12', 'participant_over_age 29', 'refunds_exceed_payments 2',
      ]);
    }

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
