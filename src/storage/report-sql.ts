import type { SqlExecutor } from './database.ts';

/**
 * The reports in set-based SQL, for a whole organisation at once: the rules of
 * src/core/report-ledger.ts, report-collections.ts and report-rl24.ts (one statement each; the
 * property test holds them to the same answers). Every query filters and joins on org_id.
 *
 * Parameters of every report: $1 organisation, $2 the instant (as of), $3 and $4 the first and the
 * last day. What stands "as of" the instant: documents created at or before it, not voided by it;
 * allocations made at or before it and not removed by it; a payment is money in unless it is
 * still scheduled now or was collected after the instant.
 */

/**
 * Settings for a report's transaction (each for the transaction only), as for a reconcile batch
 * (auto-reconcile-sql.ts): room to hash and sort a year's parts in memory (with the default 4MB the
 * parts of a 20,000-account organisation spilled to disk), and no JIT (its compilation costs about
 * as much as a small report). Nested loops stay allowed: turned off, the reports hashed the whole
 * document table to find the items of the period's allocations, and measured no faster.
 */
export const reportSettingsSql = `set local citus.propagate_set_commands = 'local'; set local work_mem = '64MB'; set local jit = off`;

/** The period's money in (sign 1) and refunds (sign −1), each with its day. */
const moneyCte = `
  money as materialized (
    select d.org_id, d.id as document_key, d.account_id as account_key, d.external_id as document_id, d.kind, d.method, d.amount_minor, m.day,
           case when d.kind = 'refund' then -1 else 1 end as sign
    from document d
    cross join lateral (select case when d.kind = 'payment' then coalesce(d.collected_on, d.date) else d.date end as day) m
    where d.org_id = $1 and d.kind in ('payment', 'deposit', 'refund') and d.created_at <= $2
      and (d.voided_at is null or d.voided_at > $2)
      and not (d.kind = 'payment' and (d.scheduled or coalesce(d.collected_at > $2, false)))
      and m.day between $3::date and $4::date
  )`;

/** The active allocations of the period's documents, per (document, counterpart): for money in the debit, for a refund the credit. */
const allocatedCte = `
  allocated as materialized (
    select a.org_id, a.credit_id as document_key, a.debit_id as counterpart_key, 1 as sign, sum(a.amount_minor)::bigint as amount_minor
    from allocation a join money m on m.org_id = a.org_id and m.document_key = a.credit_id and m.sign = 1
    where a.org_id = $1 and a.created_at <= $2 and (a.removed_at is null or a.removed_at > $2)
    group by a.org_id, a.credit_id, a.debit_id
    union all
    select a.org_id, a.debit_id, a.credit_id, -1, sum(a.amount_minor)::bigint
    from allocation a join money m on m.org_id = a.org_id and m.document_key = a.debit_id and m.sign = -1
    where a.org_id = $1 and a.created_at <= $2 and (a.removed_at is null or a.removed_at > $2)
    group by a.org_id, a.debit_id, a.credit_id
  )`;

/**
 * Every part: the allocated parts, then each document's remainder (the part not allocated or not
 * covered), with the item concerned (money in: the item it went to; a refund: the cancelled item).
 */
const partsCte = `
  ${moneyCte},
  ${allocatedCte},
  parts as (
    select m.org_id, m.day, m.account_key, m.document_key, m.document_id, m.kind, m.method, m.sign, counterpart.external_id as counterpart_id,
           case when m.sign = 1 and counterpart.kind = 'item' then counterpart.id
                when m.sign = -1 and counterpart.kind = 'cancellation' then counterpart.reference_document_id end as item_key,
           x.amount_minor
    from money m
    join allocated x on x.org_id = m.org_id and x.document_key = m.document_key
    join document counterpart on counterpart.org_id = x.org_id and counterpart.id = x.counterpart_key
    union all
    select m.org_id, m.day, m.account_key, m.document_key, m.document_id, m.kind, m.method, m.sign, null::text, null::bigint,
           m.amount_minor - coalesce(sum(x.amount_minor), 0)::bigint
    from money m left join allocated x on x.org_id = m.org_id and x.document_key = m.document_key
    group by m.org_id, m.day, m.account_key, m.document_key, m.document_id, m.kind, m.method, m.sign, m.amount_minor
    having m.amount_minor > coalesce(sum(x.amount_minor), 0)
  )`;

const lineOfPart = `case when item.id is null then 'unallocated' when item.ledger_code = '' then 'no_ledger_code' else 'ledger_code' end`;

export interface CollectionLineSumRecord {
  readonly line: 'ledger_code' | 'no_ledger_code' | 'unallocated';
  readonly ledger_code: string | null;
  readonly collected_minor: bigint;
  readonly refunded_minor: bigint;
}

export interface CollectionTotalRecord {
  readonly collected_minor: bigint;
  readonly refunded_minor: bigint;
  readonly unallocated_document_count: bigint;
}

/**
 * The line sums of the period's parts and the period's totals (from the documents themselves)
 * with how many documents keep a remainder, in one statement so the period's money and its
 * allocations are read once. The lines are summed from the allocations directly, without building
 * every part: money in goes to its item's line (one look-up: the counterpart is the item), a
 * refund to its cancelled item's line; the remainders (amount − allocated, never negative: the
 * database keeps allocations within amounts) all go to the unallocated line.
 */
export async function collectionLineSumsAndTotals(executor: SqlExecutor, organisationId: bigint, asOf: Date, from: string, to: string): Promise<{ lines: CollectionLineSumRecord[]; totals: CollectionTotalRecord }> {
  const rows = await executor.query<{ is_total: boolean; line: CollectionLineSumRecord['line'] | null; ledger_code: string | null; collected_minor: bigint; refunded_minor: bigint; unallocated_document_count: bigint | null }>(
    `with ${moneyCte}, ${allocatedCte},
     allocated_ledger as (
       select x.sign, x.amount_minor,
              case when x.sign = 1 and counterpart.kind = 'item' then counterpart.ledger_code
                   when x.sign = -1 and counterpart.kind = 'cancellation' then cancelled.ledger_code end as item_ledger_code
       from allocated x
       join document counterpart on counterpart.org_id = x.org_id and counterpart.id = x.counterpart_key
       left join document cancelled on x.sign = -1 and counterpart.kind = 'cancellation'
         and cancelled.org_id = counterpart.org_id and cancelled.id = counterpart.reference_document_id
     ),
     covered as (select org_id, document_key, sum(amount_minor)::bigint as amount_minor from allocated group by org_id, document_key),
     totals as (
       select coalesce(sum(m.amount_minor) filter (where m.sign = 1), 0)::bigint as collected_minor,
              coalesce(sum(m.amount_minor) filter (where m.sign = -1), 0)::bigint as refunded_minor,
              count(*) filter (where m.amount_minor > coalesce(c.amount_minor, 0)) as unallocated_document_count
       from money m left join covered c on c.org_id = m.org_id and c.document_key = m.document_key
     ),
     allocated_totals as (
       select coalesce(sum(amount_minor) filter (where sign = 1), 0)::bigint as collected_minor,
              coalesce(sum(amount_minor) filter (where sign = -1), 0)::bigint as refunded_minor
       from allocated
     )
     select false as is_total, line, ledger_code, sum(collected_minor)::bigint as collected_minor, sum(refunded_minor)::bigint as refunded_minor, null::bigint as unallocated_document_count
     from (
       select case when item_ledger_code is null then 'unallocated' when item_ledger_code = '' then 'no_ledger_code' else 'ledger_code' end as line,
              nullif(item_ledger_code, '') as ledger_code,
              coalesce(sum(amount_minor) filter (where sign = 1), 0)::bigint as collected_minor,
              coalesce(sum(amount_minor) filter (where sign = -1), 0)::bigint as refunded_minor
       from allocated_ledger group by 1, 2
       union all
       select 'unallocated', null, t.collected_minor - a.collected_minor, t.refunded_minor - a.refunded_minor
       from totals t cross join allocated_totals a
     ) line_sums
     group by line, ledger_code
     union all
     select true, null, null, collected_minor, refunded_minor, unallocated_document_count from totals`,
    [organisationId, asOf, from, to],
  );
  const total = rows.find((row) => row.is_total);
  if (!total) throw new Error('an aggregate returns one row');
  return {
    lines: rows.filter((row) => !row.is_total).map((row) => ({ line: row.line!, ledger_code: row.ledger_code, collected_minor: row.collected_minor, refunded_minor: row.refunded_minor })),
    totals: { collected_minor: total.collected_minor, refunded_minor: total.refunded_minor, unallocated_document_count: total.unallocated_document_count ?? 0n },
  };
}

export interface CollectionPartRecord {
  readonly day: string;
  readonly account_id: string;
  readonly document_id: string;
  readonly kind: 'payment' | 'deposit' | 'refund';
  readonly method: string | null;
  readonly counterpart_id: string | null;
  readonly invoice_id: string | null;
  readonly ledger_code: string | null;
  readonly participant_id: string | null;
  readonly line: 'ledger_code' | 'no_ledger_code' | 'unallocated';
  readonly amount_minor: bigint;
}

export interface CollectionPartFilter {
  /** Only this line's parts ($5), and for a ledger-code line only this code ($6). */
  readonly line: 'ledger_code' | 'no_ledger_code' | 'unallocated' | null;
  readonly ledgerCode: string | null;
}

/**
 * The parts with the ids people see, in parts order (day, document id, what each went to, the
 * remainder last; ids in byte order). Parameters $5 line and $6 ledger code filter (null: all).
 */
export function collectionPartsSql(extra: string = ''): string {
  return `with ${partsCte}
    select * from (
      select p.day::text as day, acc.external_id as account_id, p.document_id, p.kind, p.method,
             p.counterpart_id, invoice.external_id as invoice_id,
             nullif(item.ledger_code, '') as ledger_code, participant.external_id as participant_id,
             ${lineOfPart} as line, p.sign * p.amount_minor as amount_minor
      from parts p
      join account acc on acc.org_id = p.org_id and acc.id = p.account_key
      left join document item on item.org_id = p.org_id and item.id = p.item_key
      left join document invoice on invoice.org_id = item.org_id and invoice.id = item.invoice_id
      left join participant on participant.org_id = item.org_id and participant.id = item.participant_id
    ) part
    where ($5::text is null or part.line = $5) and ($6::text is null or part.ledger_code = $6)
    order by part.day, part.document_id collate "C", part.counterpart_id collate "C" nulls last
    ${extra}`;
}

export function collectionPartParams(organisationId: bigint, asOf: Date, from: string, to: string, filter: CollectionPartFilter): unknown[] {
  return [organisationId, asOf, from, to, filter.line, filter.ledgerCode];
}

/** One page of parts, with how many match in all. */
export async function collectionPartsPage(executor: SqlExecutor, organisationId: bigint, asOf: Date, from: string, to: string, filter: CollectionPartFilter, page: { offset: number; limit: number }): Promise<{ parts: CollectionPartRecord[]; totalCount: number }> {
  const rows = await executor.query<CollectionPartRecord & { total_count: bigint }>(
    `select paged.*, count(*) over () as total_count from (${collectionPartsSql()}) paged order by paged.day, paged.document_id collate "C", paged.counterpart_id collate "C" nulls last limit $7 offset $8`,
    [...collectionPartParams(organisationId, asOf, from, to, filter), page.limit, page.offset],
  );
  const totalCount = rows[0] ? Number(rows[0].total_count) : page.offset === 0 ? 0 : await countCollectionParts(executor, organisationId, asOf, from, to, filter);
  return { parts: rows.map(({ total_count: _count, ...part }) => part), totalCount };
}

async function countCollectionParts(executor: SqlExecutor, organisationId: bigint, asOf: Date, from: string, to: string, filter: CollectionPartFilter): Promise<number> {
  const [row] = await executor.query<{ count: bigint }>(`select count(*) as count from (${collectionPartsSql()}) counted`, collectionPartParams(organisationId, asOf, from, to, filter));
  return Number(row?.count ?? 0n);
}

/** The RL-24 slip lines' sums per account and participant, and the active allocations of the year's money. */
const slipCtes = `
  ${moneyCte},
  ${allocatedCte},
  paid as (
    select x.org_id, item.account_id, item.participant_id, item.id as item_key, x.amount_minor
    from allocated x
    join document item on item.org_id = x.org_id and item.id = x.counterpart_key
    where x.sign = 1 and item.kind = 'item' and item.rl24_eligible
  ),
  refunded as (
    select x.org_id, item.account_id, item.participant_id, x.amount_minor
    from allocated x
    join document cancellation on cancellation.org_id = x.org_id and cancellation.id = x.counterpart_key
    join document item on item.org_id = cancellation.org_id and item.id = cancellation.reference_document_id
    where x.sign = -1 and cancellation.kind = 'cancellation' and item.rl24_eligible and item.participant_id is not null
  ),
  slips as (
    select org_id, account_id, participant_id, sum(paid_minor)::bigint as paid_minor, sum(refunded_minor)::bigint as refunded_minor
    from (select org_id, account_id, participant_id, amount_minor as paid_minor, 0::bigint as refunded_minor from paid where participant_id is not null
          union all
          select org_id, account_id, participant_id, 0::bigint, amount_minor from refunded) sums
    group by org_id, account_id, participant_id
    having sum(paid_minor) <> 0 or sum(refunded_minor) <> 0
  )`;

export interface SlipLineRecord {
  readonly account_id: string;
  readonly owner_name: string;
  readonly participant_id: string;
  readonly participant_name: string;
  readonly birth_date: string | null;
  readonly paid_minor: bigint;
  readonly refunded_minor: bigint;
  readonly amount_minor: bigint;
}

/**
 * The slip lines by account id then participant id (byte order). $5: a search (account id, owner
 * name, participant id or name, case-insensitive; null for all).
 */
export function slipLinesSql(extra: string = ''): string {
  return `with ${slipLineCtes}
    select * from line
    order by line.account_id collate "C", line.participant_id collate "C"
    ${extra}`;
}

/** The slip lines that match the search ($5), unordered, with the slips' CTEs. */
const slipLineCtes = `
  ${slipCtes},
  line as (
    select * from (
      select acc.external_id as account_id, acc.owner_name, participant.external_id as participant_id, participant.name as participant_name,
             participant.birth_date::text as birth_date, s.paid_minor, s.refunded_minor, s.paid_minor - s.refunded_minor as amount_minor
      from slips s
      join account acc on acc.org_id = s.org_id and acc.id = s.account_id
      join participant on participant.org_id = s.org_id and participant.id = s.participant_id
    ) named
    where $5::text is null or named.account_id ilike $5 or named.owner_name ilike $5 or named.participant_id ilike $5 or named.participant_name ilike $5
  )`;

export interface SlipPageRecords {
  readonly totals: { slip_count: bigint; amount_minor: bigint };
  readonly lines: SlipLineRecord[];
  /** How many lines match the search. */
  readonly matching_count: bigint;
}

/**
 * The totals over all slips (whatever the search), how many lines match the search, and one page
 * of them ($6 rows after skipping $7), in one statement so the year's allocations are read once.
 */
export async function slipPage(executor: SqlExecutor, organisationId: bigint, asOf: Date, from: string, to: string, search: string | null, page: { offset: number; limit: number }): Promise<SlipPageRecords> {
  const rows = await executor.query<{ [key in keyof SlipLineRecord]: SlipLineRecord[key] | null } & { slip_count: bigint; total_amount_minor: bigint; matching_count: bigint }>(
    `with ${slipLineCtes},
     page as (select * from line order by line.account_id collate "C", line.participant_id collate "C" limit $6 offset $7)
     select totals.slip_count, totals.total_amount_minor, matching.matching_count, page.*
     from (select count(*) as slip_count, coalesce(sum(paid_minor - refunded_minor), 0)::bigint as total_amount_minor from slips) totals
     cross join (select count(*) as matching_count from line) matching
     left join page on true
     order by page.account_id collate "C", page.participant_id collate "C"`,
    [...slipParams(organisationId, asOf, from, to, search), page.limit, page.offset],
  );
  const first = rows[0];
  if (!first) throw new Error('an aggregate returns one row');
  const lines = rows.filter((row) => row.account_id !== null).map(({ slip_count: _slips, total_amount_minor: _amount, matching_count: _matching, ...line }) => line as SlipLineRecord);
  return { totals: { slip_count: first.slip_count, amount_minor: first.total_amount_minor }, lines, matching_count: first.matching_count };
}

/** A search text as an ilike pattern (its own % and _ taken literally). */
export function containsPattern(search: string | null): string | null {
  return search ? `%${search.replace(/[\\%_]/g, (match) => `\\${match}`)}%` : null;
}

export function slipParams(organisationId: bigint, asOf: Date, from: string, to: string, search: string | null): unknown[] {
  return [organisationId, asOf, from, to, containsPattern(search)];
}

export interface BlockerRecord {
  readonly account_id: string;
  readonly id: string;
  readonly reason: string;
  readonly amount_minor: bigint;
}

export const blockerReasonOrder = ['money_not_fully_allocated', 'refund_not_fully_covered', 'eligible_item_without_participant', 'participant_without_birth_date', 'participant_over_age', 'refunds_exceed_payments'];

/**
 * The blockers by reason (in the order of rl24BlockerReasons), account id, id. $5: the first birth
 * date that is not over age (January 1 of year − 16); $6: one reason only, or null.
 */
export function blockersSql(extra: string = ''): string {
  return `with ${blockerCtes}
    select * from blocker
    where $6::text is null or blocker.reason = $6
    order by blocker.reason_rank, blocker.account_id collate "C", blocker.id collate "C"
    ${extra}`;
}

/** Every blocker (whatever the reason asked for), unordered, with its reason's rank. */
const blockerCtes = `${slipCtes},
    eligible_accounts as (
      select distinct org_id, account_id from document
      where org_id = $1 and kind = 'item' and rl24_eligible and created_at <= $2
    ),
    covered as (select org_id, document_key, sum(amount_minor)::bigint as amount_minor from allocated group by org_id, document_key),
    found as (
      select m.org_id, m.account_key, m.document_id as id,
             case when m.sign = 1 then 'money_not_fully_allocated' else 'refund_not_fully_covered' end as reason,
             m.amount_minor - coalesce(c.amount_minor, 0) as amount_minor
      from money m
      join eligible_accounts e on e.org_id = m.org_id and e.account_id = m.account_key
      left join covered c on c.org_id = m.org_id and c.document_key = m.document_key
      where m.amount_minor > coalesce(c.amount_minor, 0)
      union all
      select p.org_id, p.account_id, item.external_id, 'eligible_item_without_participant', sum(p.amount_minor)::bigint
      from paid p join document item on item.org_id = p.org_id and item.id = p.item_key
      where p.participant_id is null
      group by p.org_id, p.account_id, item.external_id
      union all
      select s.org_id, s.account_id, participant.external_id, reason.name, s.paid_minor - s.refunded_minor
      from slips s
      join participant on participant.org_id = s.org_id and participant.id = s.participant_id
      cross join lateral (values ('participant_without_birth_date', participant.birth_date is null),
                                 ('participant_over_age', participant.birth_date < $5::date),
                                 ('refunds_exceed_payments', s.paid_minor < s.refunded_minor)) as reason (name, applies)
      where reason.applies
    ),
    blocker as (
      select acc.external_id as account_id, f.id, f.reason, f.amount_minor,
             array_position(array[${blockerReasonOrder.map((reason) => `'${reason}'`).join(', ')}], f.reason) as reason_rank
      from found f join account acc on acc.org_id = f.org_id and acc.id = f.account_key
    )`;

export interface BlockerReasonSumRecord {
  readonly reason: string;
  readonly count: bigint;
  readonly amount_minor: bigint;
}

/**
 * Every reason with blockers (how many, their amounts summed), and one page ($7 rows after
 * skipping $8) of the blockers of reason $6 (null: all), in one statement so the year's
 * allocations are read once.
 */
export async function blockerPage(executor: SqlExecutor, organisationId: bigint, asOf: Date, from: string, to: string, overAgeBefore: string, reason: string | null, page: { offset: number; limit: number }): Promise<{ reasons: BlockerReasonSumRecord[]; blockers: BlockerRecord[] }> {
  const rows = await executor.query<BlockerRecord & { is_sum: boolean; count: bigint | null }>(
    `with ${blockerCtes},
     page as (
       select * from blocker where $6::text is null or blocker.reason = $6
       order by blocker.reason_rank, blocker.account_id collate "C", blocker.id collate "C" limit $7 offset $8
     )
     select * from (
       select true as is_sum, reason, reason_rank, null::text as account_id, null::text as id, count(*) as count, sum(amount_minor)::bigint as amount_minor
       from blocker group by reason, reason_rank
       union all
       select false, reason, reason_rank, account_id, id, null, amount_minor from page
     ) answer
     order by answer.is_sum desc, answer.reason_rank, answer.account_id collate "C", answer.id collate "C"`,
    [...blockerParams(organisationId, asOf, from, to, overAgeBefore, reason), page.limit, page.offset],
  );
  return {
    reasons: rows.filter((row) => row.is_sum).map((row) => ({ reason: row.reason, count: row.count ?? 0n, amount_minor: row.amount_minor })),
    blockers: rows.filter((row) => !row.is_sum).map((row) => ({ account_id: row.account_id, id: row.id, reason: row.reason, amount_minor: row.amount_minor })),
  };
}

export function blockerParams(organisationId: bigint, asOf: Date, from: string, to: string, overAgeBefore: string, reason: string | null): unknown[] {
  return [organisationId, asOf, from, to, overAgeBefore, reason];
}
