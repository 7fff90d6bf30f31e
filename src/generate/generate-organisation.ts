import { assert } from '../core/assert.ts';
import { refuse, unwrap, type Outcome } from '../core/outcome.ts';
import { outcomeOf } from '../services/context.ts';
import { findOrCreateOrganisation, type Organisation } from '../services/organisations.ts';
import type { Database, SqlExecutor } from '../storage/database.ts';
import { buildSyntheticChunk, type SyntheticChunk } from './synthetic-ledger.ts';

/**
 * Accounts made and written together, in one transaction. At about 24 documents an account a
 * chunk's document statement carries some importBatchRowsMax (5,000) rows. Measured on 20,000
 * accounts: chunks of 200 accounts took 26.4 s and 169 MB of memory, chunks of 5,000 took 28.2 s
 * and 313 MB; larger statements buy nothing once per-row work dominates.
 */
export const generateChunkAccounts = 200;
/** The largest chunk a caller may ask for. */
export const generateChunkAccountsMax = 5_000;
/** Accounts one call may generate: ten million accounts is some 250 million documents. */
export const generateAccountsMax = 10_000_000;

export interface GenerateOptions {
  readonly slug: string;
  readonly accountsCount: number;
  readonly seed: number;
  /** Recorded as the author of the checkout and installment allocations. */
  readonly actor: string;
  readonly chunkAccounts?: number;
  /**
   * Refresh the planner's statistics of the ledger tables at the end (default true). A caller that
   * generates many small organisations turns it off and analyses once: each ANALYZE samples the
   * whole tables (on Citus, every shard), which costs more than a small organisation's rows.
   */
  readonly analyze?: boolean;
  readonly onProgress?: (accountsDone: number, accountsTotal: number) => void;
}

export interface GenerateSummary {
  readonly organisation: Organisation;
  readonly accountsCount: number;
  readonly participantsCount: number;
  readonly documentsCount: number;
  readonly allocationsCount: number;
  readonly durationMs: number;
}

/** Identity sequences of the tables whose ids the generator reserves before writing. */
interface Sequences {
  readonly account: string;
  readonly participant: string;
  readonly document: string;
}

/**
 * Reserves `count` ids from an identity sequence in one statement, in ascending order. A single
 * writer gets a contiguous block, returned as its first id; when another session took ids in
 * between, the list itself comes back.
 */
async function reserveIds(executor: SqlExecutor, sequence: string, count: number): Promise<bigint[]> {
  if (count === 0) return [];
  const [row] = await executor.query<{ first_id: bigint; contiguous: boolean; id_list: string | null }>(
    `select min(id) as first_id, max(id) - min(id) + 1 = count(*) as contiguous,
            case when max(id) - min(id) + 1 <> count(*) then string_agg(id::text, ',' order by id) end as id_list
     from (select nextval($1::regclass) as id from generate_series(1, $2::integer)) reserved`,
    [sequence, count],
  );
  assert(row, 'the reservation returns one row');
  if (row.contiguous) return Array.from({ length: count }, (_, index) => row.first_id + BigInt(index));
  const ids = row.id_list!.split(',').map((text) => BigInt(text));
  assert(ids.length === count, 'the reservation returns every id');
  return ids;
}

function idsAt(ids: readonly bigint[], indexes: readonly number[]): (bigint | null)[] {
  return indexes.map((index) => (index < 0 ? null : ids[index]!));
}

interface ReservedIds {
  readonly accountIds: readonly bigint[];
  readonly participantIds: readonly bigint[];
  readonly documentIds: readonly bigint[];
}

async function reserveChunkIds(executor: SqlExecutor, sequences: Sequences, chunk: SyntheticChunk): Promise<ReservedIds> {
  return {
    accountIds: await reserveIds(executor, sequences.account, chunk.accounts.externalId.length),
    participantIds: await reserveIds(executor, sequences.participant, chunk.participants.externalId.length),
    documentIds: await reserveIds(executor, sequences.document, chunk.documents.externalId.length),
  };
}

async function writeChunk(executor: SqlExecutor, organisation: Organisation, chunk: SyntheticChunk, reserved: ReservedIds, actor: string): Promise<void> {
  const organisationId = organisation.id;
  const { accounts, participants, documents, allocations } = chunk;
  const { accountIds, participantIds, documentIds } = reserved;

  await executor.query(
    `insert into account (org_id, id, external_id, owner_name, owner_email) overriding system value
     select $1, * from unnest($2::bigint[], $3::text[], $4::text[], $5::text[])`,
    [organisationId, accountIds, accounts.externalId, accounts.ownerName, accounts.ownerEmail],
  );
  await executor.query(
    `insert into participant (org_id, id, account_id, external_id, name, birth_date) overriding system value
     select $1, * from unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::date[])`,
    [organisationId, participantIds, idsAt(accountIds, participants.accountIndex), participants.externalId, participants.name, participants.birthDate],
  );
  await executor.query(
    `insert into document (org_id, id, account_id, kind, side, external_id, date, amount_minor, invoice_id, position, description,
                           ledger_code, participant_id, rl24_eligible, method, reference, reference_document_id, scheduled, collected_on, collected_at)
     overriding system value
     select $1, d.id, d.account_id, d.kind,
            case when d.kind in ('item', 'refund') then 'debit' when d.kind = 'invoice' then 'none' else 'credit' end,
            d.external_id, d.date, d.amount_minor, d.invoice_id, d.position, d.description, d.ledger_code, d.participant_id,
            d.rl24_eligible, d.method, d.reference, d.reference_document_id, d.scheduled, d.collected_on,
            -- A collected installment was collected when it was recorded, as far as an as-of report can tell.
            case when d.collected_on is not null then now() end
     from unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::date[], $7::bigint[], $8::bigint[], $9::integer[], $10::text[],
                 $11::text[], $12::bigint[], $13::boolean[], $14::text[], $15::text[], $16::bigint[], $17::boolean[], $18::date[])
       as d(id, account_id, kind, external_id, date, amount_minor, invoice_id, position, description, ledger_code, participant_id,
            rl24_eligible, method, reference, reference_document_id, scheduled, collected_on)`,
    [
      organisationId,
      documentIds,
      idsAt(accountIds, documents.accountIndex),
      documents.kind,
      documents.externalId,
      documents.date,
      documents.amountMinor,
      idsAt(documentIds, documents.invoiceIndex),
      documents.position,
      documents.description,
      documents.ledgerCode,
      idsAt(participantIds, documents.participantIndex),
      documents.rl24Eligible,
      documents.method,
      documents.reference,
      idsAt(documentIds, documents.referenceIndex),
      documents.scheduled,
      documents.collectedOn,
    ],
  );
  // Checkout and installment allocations, as the system makes them; none where reconciliation is
  // turned off. Through the allocation triggers, like any allocation: they raise allocated_minor.
  if (organisation.reconciliationEnabled && allocations.creditIndex.length > 0) {
    await executor.query(
      `insert into allocation (org_id, account_id, credit_id, debit_id, amount_minor, source, created_by)
       select $1, a.*, $7 from unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[])
         as a(account_id, credit_id, debit_id, amount_minor, source)`,
      [
        organisationId,
        idsAt(accountIds, allocations.accountIndex),
        idsAt(documentIds, allocations.creditIndex),
        idsAt(documentIds, allocations.debitIndex),
        allocations.amountMinor,
        allocations.source,
        actor,
      ],
    );
  }
}

/**
 * How many of this generation's accounts the organisation already holds: 0 for a new or empty
 * one; n when an earlier run of the same generation (same seed) was stopped after writing its
 * first n accounts — each chunk commits whole, so those are complete with their documents — and
 * this run resumes after them. Accounts of anything else refuse the generation.
 */
async function generatedAccountsBefore(database: Database, organisation: Organisation, options: GenerateOptions): Promise<number> {
  const [stored] = await database.query<{ accounts_count: bigint; first_external_id: string | null; last_external_id: string | null; last_owner_name: string | null }>(
    `select (select count(*) from account where org_id = $1) as accounts_count,
            (select external_id from account where org_id = $1 order by id limit 1) as first_external_id,
            (select external_id from account where org_id = $1 order by id desc limit 1) as last_external_id,
            (select owner_name from account where org_id = $1 order by id desc limit 1) as last_owner_name`,
    [organisation.id],
  );
  const accountsCount = Number(stored!.accounts_count);
  if (accountsCount === 0) return 0;
  if (accountsCount <= options.accountsCount) {
    const [first, last] = [await buildSyntheticChunk(options.seed, 1, 1), await buildSyntheticChunk(options.seed, accountsCount, 1)];
    if (stored!.first_external_id === first.accounts.externalId[0] && stored!.last_external_id === last.accounts.externalId[0] && stored!.last_owner_name === last.accounts.ownerName[0]) {
      return accountsCount;
    }
  }
  return refuse('value_is_not_allowed', `Organisation ${options.slug} already has accounts that this generation did not make; generate into a new or empty organisation`, { path: 'org' });
}

/**
 * `tally generate`: a synthetic organisation for demos and benchmarks, the same for the same seed.
 * Accounts are made in chunks, each written with one statement per table in one transaction,
 * while the next chunk is being made. The organisation is created when new; it must hold no
 * accounts yet, so the generated external ids (A000001, INV-000001-1, ...) cannot collide — or only
 * the first accounts of the same generation, stopped part-way, which it then resumes.
 */
export async function generateOrganisation(database: Database, options: GenerateOptions): Promise<Outcome<GenerateSummary>> {
  return outcomeOf(async () => {
    const startedMs = performance.now();
    const chunkAccounts = options.chunkAccounts ?? generateChunkAccounts;
    if (!Number.isSafeInteger(options.accountsCount) || options.accountsCount < 1 || options.accountsCount > generateAccountsMax) {
      refuse('value_is_not_allowed', `The number of accounts must be a whole number from 1 to ${generateAccountsMax}`, {
        path: 'accounts',
        values: { rule: 'whole_number_range', minimum: '1', maximum: String(generateAccountsMax) },
      });
    }
    if (!Number.isSafeInteger(options.seed) || options.seed < 0) refuse('value_is_not_allowed', 'The seed must be a whole number from 0', { path: 'seed', values: { rule: 'whole_number_range', minimum: '0' } });
    assert(Number.isSafeInteger(chunkAccounts) && chunkAccounts >= 1 && chunkAccounts <= generateChunkAccountsMax, 'chunk size out of range');
    const organisation = unwrap(await findOrCreateOrganisation(database, { slug: options.slug }));
    const accountsBefore = await generatedAccountsBefore(database, organisation, options);
    const [sequences] = await database.query<Sequences>(
      `select pg_get_serial_sequence('account', 'id') as account, pg_get_serial_sequence('participant', 'id') as participant,
              pg_get_serial_sequence('document', 'id') as document`,
    );
    assert(sequences, 'the identity sequences exist');

    const counts = { accounts: accountsBefore, participants: 0, documents: 0, allocations: 0 };
    const chunkAt = (accountsDone: number) =>
      accountsDone < options.accountsCount
        ? buildSyntheticChunk(options.seed, accountsDone + 1, Math.min(chunkAccounts, options.accountsCount - accountsDone))
        : null;
    let next = chunkAt(accountsBefore);
    while (next) {
      const chunk = await next;
      // The next chunk is made while this one is written: it yields to the event loop every few
      // hundred accounts, so the connection is served in between.
      next = chunkAt(counts.accounts + chunk.accounts.externalId.length);
      const reserved = await reserveChunkIds(database, sequences, chunk);
      await database.transaction((transaction) => writeChunk(transaction, organisation, chunk, reserved, options.actor));
      counts.accounts += chunk.accounts.externalId.length;
      counts.participants += chunk.participants.externalId.length;
      counts.documents += chunk.documents.externalId.length;
      if (organisation.reconciliationEnabled) counts.allocations += chunk.allocations.creditIndex.length;
      options.onProgress?.(counts.accounts, options.accountsCount);
    }
    // Fresh statistics, so the planner sees the new rows at once (auto-analyze would come later).
    if (options.analyze ?? true) await database.executeScript('analyze account; analyze participant; analyze document; analyze document_balance; analyze allocation');
    return {
      organisation,
      accountsCount: counts.accounts,
      participantsCount: counts.participants,
      documentsCount: counts.documents,
      allocationsCount: counts.allocations,
      durationMs: performance.now() - startedMs,
    };
  });
}
