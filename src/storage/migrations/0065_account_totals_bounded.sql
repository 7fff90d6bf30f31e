-- What one account may total is bounded (core/limits.ts accountTotalMinorMax, 10^18 minor units),
-- so that every sum over one account (its balance, what is open, an invoice's items, what a run
-- allocated) fits in a bigint whatever is written. Each account keeps the gross total of the
-- amounts of its documents on each side, voided ones included (amounts never change and documents
-- are never deleted, so the totals only grow); document_after_insert adds to them in the same
-- statement as the documents, and the CHECK refuses the write that would cross the bound.
alter table account add column debit_total_minor bigint not null default 0;
alter table account add column credit_total_minor bigint not null default 0;

-- Existing accounts are counted, clamped to the largest bigint: an account already beyond the
-- bound (written before it existed) stays readable, and takes no more documents.
update account a
set debit_total_minor = least(t.debit_minor, 9223372036854775807)::bigint,
    credit_total_minor = least(t.credit_minor, 9223372036854775807)::bigint
from (select org_id, account_id,
             coalesce(sum(amount_minor) filter (where side = 'debit'), 0) as debit_minor,
             coalesce(sum(amount_minor) filter (where side = 'credit'), 0) as credit_minor
      from document group by org_id, account_id) t
where a.org_id = t.org_id and a.id = t.account_id;

-- NOT VALID: the rule holds for every row written from now on; rows already past it stay.
alter table account add constraint account_total_within_limit
  check (debit_total_minor <= 1000000000000000000 and credit_total_minor <= 1000000000000000000) not valid;
