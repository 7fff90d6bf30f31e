/**
 * The auto-reconcile passes of core/allocation-plan.ts, compiled to set-based SQL.
 *
 * Each pass works in *lanes* (an account for FIFO, an invoice or a debit for the reference
 * passes). In a lane, credits are laid end to end in their order as intervals of a line:
 * credit k covers [start_k, end_k) where end_k is the running sum of remainders; debits likewise.
 * Allocating oldest credit to oldest debit, spilling over, is then exactly the overlap of the two
 * interval sets up to the smaller total. Merging both sets' start points in one sorted list, each
 * segment between consecutive points lies in one credit and one debit: that pair's allocation.
 * A running max of the ordinals carries the current credit and debit along the list, so one
 * window pass (O(n log n) for the sort) replaces any loop, for one account or a million.
 *
 * Parameters of every pass: $1 organisation id, $2 account ids (bigint[]), $3 run id, $4 actor.
 * Each statement returns one row: the count and sum of the allocations it inserted.
 */

const openCredits = `
  select c.id as document_id, c.account_id, c.date, c.amount_minor - c.allocated_minor as remaining_minor, c.reference_document_id
  from document c
  where c.org_id = $1 and c.account_id = any($2::bigint[]) and c.side = 'credit'
    and c.voided_at is null and c.allocated_minor < c.amount_minor`;

const openDebits = `
  select d.id as document_id, d.account_id, d.date, coalesce(d.invoice_id, d.id) as sequence_id, d.position, d.invoice_id,
         d.amount_minor - d.allocated_minor as remaining_minor
  from document d
  where d.org_id = $1 and d.account_id = any($2::bigint[]) and d.side = 'debit'
    and d.voided_at is null and d.allocated_minor < d.amount_minor`;

interface LaneSource {
  /** A select with columns lane, account_id, document_id, remaining_minor and the order columns. */
  readonly rows: string;
  /** The order within a lane, oldest first; must be total (end with document_id). */
  readonly order: string;
}

function lanePass(credits: LaneSource, debits: LaneSource): string {
  return `
  with credit_lane as (
    select lane, account_id, document_id, remaining_minor,
           row_number() over lane_order as ordinal,
           sum(remaining_minor) over (lane_order rows between unbounded preceding and current row) as end_position
    from (${credits.rows}) c
    window lane_order as (partition by lane order by ${credits.order})
  ),
  debit_lane as (
    select lane, account_id, document_id, remaining_minor,
           row_number() over lane_order as ordinal,
           sum(remaining_minor) over (lane_order rows between unbounded preceding and current row) as end_position
    from (${debits.rows}) d
    window lane_order as (partition by lane order by ${debits.order})
  ),
  lane_limit as (
    select c.lane, least(c.total_minor, d.total_minor) as limit_position
    from (select lane, max(end_position) as total_minor from credit_lane group by lane) c
    join (select lane, max(end_position) as total_minor from debit_lane group by lane) d on d.lane = c.lane
  ),
  boundary as (
    select lane, end_position - remaining_minor as start_position, ordinal as credit_ordinal, 0::bigint as debit_ordinal from credit_lane
    union all
    select lane, end_position - remaining_minor, 0::bigint, ordinal from debit_lane
  ),
  segment as (
    select b.lane,
           max(b.credit_ordinal) over walk as credit_ordinal,
           max(b.debit_ordinal) over walk as debit_ordinal,
           least(coalesce(lead(b.start_position) over walk, l.limit_position), l.limit_position) - b.start_position as amount_minor
    from boundary b
    join lane_limit l on l.lane = b.lane
    where b.start_position < l.limit_position
    window walk as (partition by b.lane order by b.start_position, b.credit_ordinal, b.debit_ordinal
                    rows between unbounded preceding and current row)
  ),
  inserted as (
    insert into allocation (org_id, account_id, credit_id, debit_id, amount_minor, source, run_id, created_by)
    select $1, c.account_id, c.document_id, d.document_id, s.amount_minor, 'auto', $3, $4
    from segment s
    join credit_lane c on c.lane = s.lane and c.ordinal = s.credit_ordinal
    join debit_lane d on d.lane = s.lane and d.ordinal = s.debit_ordinal
    where s.amount_minor > 0 and s.credit_ordinal > 0 and s.debit_ordinal > 0
    returning amount_minor
  )
  select count(*) as allocations_count, coalesce(sum(amount_minor), 0)::bigint as allocated_minor from inserted`;
}

const creditOrder = 'date, document_id';
const debitOrder = 'date, sequence_id, position, document_id';

/** Pass 1: credits naming an open item or refund (cancellations name their item), oldest first per debit. */
export const referencedDebitPassSql = lanePass(
  {
    rows: `select c.reference_document_id as lane, c.* from (${openCredits}) c
           where c.reference_document_id in (select document_id from (${openDebits}) d)`,
    order: creditOrder,
  },
  {
    rows: `select d.document_id as lane, d.* from (${openDebits}) d
           where d.document_id in (select reference_document_id from (${openCredits}) c where reference_document_id is not null)`,
    order: debitOrder,
  },
);

/** Pass 2: credits naming an invoice, over that invoice's open items in item order. */
export const referencedInvoicePassSql = lanePass(
  {
    rows: `select c.reference_document_id as lane, c.* from (${openCredits}) c
           join document invoice on invoice.org_id = $1 and invoice.id = c.reference_document_id and invoice.kind = 'invoice'`,
    order: creditOrder,
  },
  {
    rows: `select d.invoice_id as lane, d.* from (${openDebits}) d
           where d.invoice_id in (select reference_document_id from (${openCredits}) c where reference_document_id is not null)`,
    order: debitOrder,
  },
);

/** Pass 3: every remaining open credit over every remaining open debit of the account, oldest to newest. */
export const oldestFirstPassSql = lanePass(
  { rows: `select c.account_id as lane, c.* from (${openCredits}) c`, order: creditOrder },
  { rows: `select d.account_id as lane, d.* from (${openDebits}) d`, order: debitOrder },
);

/** What each account of the batch still has open after the passes, for the run's explanation. */
export const openTotalsSql = `
  select a.external_id as account_external_id,
         coalesce(sum(d.amount_minor - d.allocated_minor) filter (where d.side = 'credit'), 0)::bigint as open_credit_minor,
         coalesce(sum(d.amount_minor - d.allocated_minor) filter (where d.side = 'debit'), 0)::bigint as open_debit_minor
  from document d
  join account a on a.org_id = d.org_id and a.id = d.account_id
  where d.org_id = $1 and d.account_id = any($2::bigint[]) and d.side <> 'none' and d.voided_at is null
    and d.allocated_minor < d.amount_minor
  group by a.external_id`;
