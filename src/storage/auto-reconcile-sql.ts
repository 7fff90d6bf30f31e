import type { ReconciliationStrategy } from '../core/document-kinds.ts';

/**
 * The auto-reconcile passes of core/allocation-plan.ts, compiled to set-based SQL: one statement
 * per batch of accounts that runs every pass, writes every allocation and says what is left open.
 *
 * Each pass works in *lanes* (an account for FIFO, an invoice for the named-invoice pass). In a
 * lane, credits are laid end to end in their order as intervals of a line: credit k covers
 * [start_k, end_k) where end_k is the running sum of remainders; debits likewise. Allocating the
 * oldest credit to the oldest debit, spilling over, is then exactly the overlap of the two
 * interval sets. Merging both sets' start points in one sorted list, each segment between
 * consecutive points lies in one credit and one debit: that pair's allocation, as long as the
 * point lies before both the credit's and the debit's end. A running max of the ordinals carries
 * the current credit and debit along the list, so one window pass (O(n log n) for the sort)
 * replaces any loop, for one account or a million. The named-debit pass has a single debit per
 * lane, so there each credit's share is simply its interval clipped to the debit's remainder.
 *
 * Why one statement rather than one per pass (measured in docs/benchmarks.md): the open
 * documents are read once; the passes hand their remainders to each other inside the statement;
 * and the allocation trigger fires once, so each document's allocated_minor (in document_balance)
 * is updated once per batch instead of once per pass (those updates are a large part of a run).
 *
 * Parameters: $1 organisation id, $2 account ids (bigint[]), $3 run id, $4 actor, $5 how many
 * accounts left open to list. One row comes back: count and sum of allocations per pass, the
 * number of accounts left open per reason, and the first accounts left open (by id) as JSON.
 */

/**
 * The open documents of the batch, read once from document_balance (what reconciliation needs of a
 * document, narrow rows: the wide document table is not read at all); the remainders every pass
 * starts from.
 */
const openDocuments = `
  open_document as materialized (
    select b.document_id, b.account_id, b.side, b.date, b.invoice_id, coalesce(b.invoice_id, b.document_id) as sequence_id, b.position,
           b.reference_document_id, b.amount_minor - b.allocated_minor as remaining_minor
    from document_balance b
    where b.org_id = $1 and b.account_id = any($2::bigint[]) and b.side in ('credit', 'debit')
      and not b.voided and b.allocated_minor < b.amount_minor
  ),
  open_credit as (select * from open_document where side = 'credit'),
  open_debit as (select * from open_document where side = 'debit')`;

/**
 * CTEs `${name}_credit`, `${name}_debit`, `${name}_segment` and `${name}` (the allocations:
 * account_id, credit_id, debit_id, amount_minor, credit_ordinal, debit_ordinal) of one lane pass.
 * `credits` must give lane, document_id, account_id, date, remaining_minor (> 0); `debits` must
 * give lane, document_id, date, sequence_id, position, remaining_minor (> 0). Ordinals are global
 * (numbered in lane order), so one hash join finds a segment's credit and debit.
 */
function lanePass(name: string, credits: string, debits: string): string {
  return `
  ${name}_credit as (
    select lane, document_id, account_id,
           running_total_minor(remaining_minor) over (partition by lane order by date, document_id rows unbounded preceding) as end_position,
           remaining_minor,
           row_number() over (order by lane, date, document_id) as ordinal
    from ${credits}
  ),
  ${name}_debit as (
    select lane, document_id,
           running_total_minor(remaining_minor) over (partition by lane order by date, sequence_id, position, document_id rows unbounded preceding) as end_position,
           remaining_minor,
           row_number() over (order by lane, date, sequence_id, position, document_id) as ordinal
    from ${debits}
  ),
  ${name}_segment as (
    select start_position,
           lead(start_position) over walk as next_position,
           max(credit_ordinal) over walk as credit_ordinal,
           max(debit_ordinal) over walk as debit_ordinal
    from (select lane, end_position - remaining_minor as start_position, ordinal as credit_ordinal, 0::bigint as debit_ordinal from ${name}_credit
          union all
          select lane, end_position - remaining_minor, 0::bigint, ordinal from ${name}_debit) boundary
    window walk as (partition by lane order by start_position, credit_ordinal, debit_ordinal rows unbounded preceding)
  ),
  ${name} as (
    select account_id, credit_id, debit_id, amount_minor, credit_ordinal, debit_ordinal
    from (select c.account_id, c.document_id as credit_id, d.document_id as debit_id,
                 (least(coalesce(s.next_position, c.end_position), c.end_position, d.end_position) - s.start_position)::bigint as amount_minor,
                 c.ordinal as credit_ordinal, d.ordinal as debit_ordinal
          from ${name}_segment s
          join ${name}_credit c on c.ordinal = s.credit_ordinal
          join ${name}_debit d on d.ordinal = s.debit_ordinal
          where s.start_position < c.end_position and s.start_position < d.end_position) overlap
    where amount_minor > 0
  )`;
}

/** Pass 1: credits naming an open item or refund (cancellations name their item), oldest first per debit. */
const namedDebitPass = `
  named_debit_credit as (
    select c.account_id, c.document_id as credit_id, debit.document_id as debit_id, debit.remaining_minor as debit_remaining_minor, c.remaining_minor,
           running_total_minor(c.remaining_minor) over (partition by debit.document_id order by c.date, c.document_id rows unbounded preceding) as end_position,
           row_number() over (order by debit.document_id, c.date, c.document_id) as credit_ordinal
    from open_credit c
    join open_debit debit on debit.document_id = c.reference_document_id
  ),
  named_debit_pass as (
    select account_id, credit_id, debit_id,
           (least(end_position, debit_remaining_minor) - (end_position - remaining_minor))::bigint as amount_minor,
           credit_ordinal, 0::bigint as debit_ordinal
    from named_debit_credit
    where end_position - remaining_minor < debit_remaining_minor
  ),
  named_debit_used as (select debit_id, sum(amount_minor)::bigint as amount_minor from named_debit_pass group by debit_id)`;

/**
 * Pass 2: credits naming an invoice, over that invoice's items still open after pass 1, in item
 * order. A credit names an invoice when its reference is the invoice of an open item; a credit
 * naming an invoice with no open item has nothing to take in this pass anyway.
 */
const namedInvoicePass = `
  named_invoice_credit_input as (
    select c.reference_document_id as lane, c.document_id, c.account_id, c.date, c.remaining_minor
    from open_credit c
    where c.reference_document_id in (select invoice_id from open_debit where invoice_id is not null)
  ),
  named_invoice_item_input as (
    select i.invoice_id as lane, i.document_id, i.date, i.sequence_id, i.position, i.remaining_minor - coalesce(used.amount_minor, 0) as remaining_minor
    from open_debit i
    left join named_debit_used used on used.debit_id = i.document_id
    where i.invoice_id in (select lane from named_invoice_credit_input) and i.remaining_minor > coalesce(used.amount_minor, 0)
  ),
  ${lanePass('named_invoice_pass', 'named_invoice_credit_input', 'named_invoice_item_input')},
  reference_used as (
    select document_id, sum(amount_minor)::bigint as amount_minor
    from (select credit_id as document_id, amount_minor from named_debit_pass
          union all select debit_id, amount_minor from named_debit_pass
          union all select credit_id, amount_minor from named_invoice_pass
          union all select debit_id, amount_minor from named_invoice_pass) used
    group by document_id
  )`;

/** Pass 3: every credit still open over every debit still open in its account, oldest to newest. */
function oldestFirstPass(afterReferences: boolean): string {
  const remaining = (alias: string) =>
    afterReferences
      ? { join: `left join reference_used used on used.document_id = ${alias}.document_id`, value: `${alias}.remaining_minor - coalesce(used.amount_minor, 0)` }
      : { join: '', value: `${alias}.remaining_minor` };
  const credit = remaining('c');
  const debit = remaining('d');
  return `
  oldest_first_credit_input as (
    select c.account_id as lane, c.document_id, c.account_id, c.date, ${credit.value} as remaining_minor
    from open_credit c ${credit.join} where ${credit.value} > 0
  ),
  oldest_first_debit_input as (
    select d.account_id as lane, d.document_id, d.date, d.sequence_id, d.position, ${debit.value} as remaining_minor
    from open_debit d ${debit.join} where ${debit.value} > 0
  ),
  ${lanePass('oldest_first_pass', 'oldest_first_credit_input', 'oldest_first_debit_input')}`;
}

const noAllocations = `select null::bigint as account_id, null::bigint as credit_id, null::bigint as debit_id, null::bigint as amount_minor,
                              null::bigint as credit_ordinal, null::bigint as debit_ordinal where false`;

function batchSql(strategy: ReconciliationStrategy): string {
  const byReference = strategy === 'reference';
  return `
  with ${openDocuments},
  ${byReference ? `${namedDebitPass}, ${namedInvoicePass},` : `named_debit_pass as (${noAllocations}), named_invoice_pass as (${noAllocations}),`}
  ${oldestFirstPass(byReference)},
  allocation_row as (
    select 1 as pass, * from named_debit_pass
    union all select 2, * from named_invoice_pass
    union all select 3, * from oldest_first_pass
  ),
  inserted as (
    insert into allocation (org_id, account_id, credit_id, debit_id, amount_minor, source, run_id, created_by)
    select $1, account_id, credit_id, debit_id, amount_minor, 'auto', $3, $4 from allocation_row
    order by pass, credit_ordinal, debit_ordinal
  ),
  account_open as (
    select account_id,
           coalesce(sum(remaining_minor) filter (where side = 'credit'), 0) as credit_minor,
           coalesce(sum(remaining_minor) filter (where side = 'debit'), 0) as debit_minor
    from open_document group by account_id
  ),
  account_allocated as (select account_id, sum(amount_minor) as amount_minor from allocation_row group by account_id),
  account_left_open as (
    select account_id, open_credit_minor, open_debit_minor
    from (select o.account_id, (o.credit_minor - coalesce(a.amount_minor, 0))::bigint as open_credit_minor,
                 (o.debit_minor - coalesce(a.amount_minor, 0))::bigint as open_debit_minor
          from account_open o left join account_allocated a on a.account_id = o.account_id) account_remainder
    where open_credit_minor > 0 or open_debit_minor > 0
  )
  select count(*) filter (where pass = 1) as referenced_debit_count,
         coalesce(sum(amount_minor) filter (where pass = 1), 0) as referenced_debit_minor,
         count(*) filter (where pass = 2) as referenced_invoice_count,
         coalesce(sum(amount_minor) filter (where pass = 2), 0) as referenced_invoice_minor,
         count(*) filter (where pass = 3) as oldest_first_count,
         -- Sums over a batch's accounts stay numeric: each account is bounded (accountTotalMinorMax),
         -- but thousands of them together can pass a bigint.
         coalesce(sum(amount_minor) filter (where pass = 3), 0) as oldest_first_minor,
         -- One row built from subqueries rather than a cross join of one-row results, so the plan
         -- has no join that nested loops could serve (they are off for the batch).
         (select count(*) from account_left_open where open_credit_minor > 0 and open_debit_minor = 0) as credit_on_account_count,
         (select count(*) from account_left_open where open_credit_minor = 0 and open_debit_minor > 0) as balance_owing_count,
         (select count(*) from account_left_open where open_credit_minor > 0 and open_debit_minor > 0) as unreconciled_count,
         (select coalesce(json_agg(json_build_object('accountId', (select a.external_id from account a where a.org_id = $1 and a.id = l.account_id),
                                                     'openCreditMinor', l.open_credit_minor::text, 'openDebitMinor', l.open_debit_minor::text)
                                   order by l.account_id), '[]')::text
          from (select * from account_left_open order by account_id limit $5) l) as accounts_listed
  from allocation_row`;
}

/**
 * Settings for the batch's transaction, run before the statement (each for the transaction only):
 * - work_mem 64MB: with the default 4MB a 20,000-account batch's window sorts spill to disk;
 * - JIT off: compiling costs about 150 ms per batch and saves nothing measurable;
 * - nested loops off: the statement joins intermediate results whose sizes the planner can only
 *   guess, and with statistics behind the data it guessed one row for 50,000 and joined them in
 *   nested loops (minutes on a 100,000-document account); hash joins are right at every size here.
 *   The allocation triggers turn nested loops back on for their own index probes (migration 0010).
 */
//
// SET LOCAL statements (a script), not set_config(): on a Citus cluster the batch's statement runs
// on the worker holding the organisation, and Citus passes a transaction's SET LOCAL commands on to
// the workers when citus.propagate_set_commands is 'local' (elsewhere that setting is a name
// nobody reads, which PostgreSQL and PGlite accept and ignore).
export const reconcileBatchSettingsSql = `set local citus.propagate_set_commands = 'local'; set local work_mem = '64MB'; set local jit = off; set local enable_nestloop = off`;

/** The batch statement of each strategy: `fifo` skips the two reference passes. */
export const reconcileBatchSql: Readonly<Record<ReconciliationStrategy, string>> = {
  reference: batchSql('reference'),
  fifo: batchSql('fifo'),
};

/** What reconcileBatchSql returns, as the adapters parse it (int8 as bigint). */
export interface ReconcileBatchRow {
  readonly referenced_debit_count: bigint;
  /** numeric, as text (a batch's sum can pass a bigint). */
  readonly referenced_debit_minor: string;
  readonly referenced_invoice_count: bigint;
  readonly referenced_invoice_minor: string;
  readonly oldest_first_count: bigint;
  readonly oldest_first_minor: string;
  readonly credit_on_account_count: bigint;
  readonly balance_owing_count: bigint;
  readonly unreconciled_count: bigint;
  /** JSON: [{ accountId, openCreditMinor, openDebitMinor }] with amounts as decimal strings. */
  readonly accounts_listed: string;
}
