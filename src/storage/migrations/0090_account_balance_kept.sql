-- Each account keeps its balance (debits less credits, voided documents left out), so that the
-- accounts list sorted by balance reads one index instead of summing every document of the
-- organisation (1.5 s at 100,000 accounts and 2.4 million documents; docs/benchmarks.md). The
-- balance changes only when a document is written or voided, never when it is reconciled: the
-- document triggers keep it (src/storage/functions/document_after_insert.sql, document_after_update.sql).
alter table account add column balance_minor bigint not null default 0;

update account a set balance_minor = totals.balance_minor
from (select org_id, account_id,
             sum(case side when 'debit' then amount_minor when 'credit' then -amount_minor else 0 end)::bigint as balance_minor
      from document_balance where not voided group by org_id, account_id) totals
where a.org_id = totals.org_id and a.id = totals.account_id and totals.balance_minor <> 0;

-- The two orders of the list, ties by name as people read them, then by id (as account_owner_name).
create index account_balance_desc on account (org_id, balance_minor desc, (owner_name collate "und-x-icu"), external_id);
create index account_balance on account (org_id, balance_minor, (owner_name collate "und-x-icu"), external_id);
