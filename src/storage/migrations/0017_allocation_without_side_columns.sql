-- The allocation's credit_side and debit_side columns go: two constant strings ('credit', 'debit')
-- on every allocation row, kept since 0001 only so that row-level foreign keys could match the
-- document's side. 0005 replaced those keys by the insert trigger, whose update of document_balance
-- matches each document's account and side; it now names the side itself. Narrower rows are a little
-- less to write and log per allocation (a 100,000-account run wrote 589 MB of WAL instead of 600 MB;
-- its time moved by less than the noise between runs), and the columns no longer suggest a choice.
--
-- The function is otherwise that of 0009 (statements planned at each firing), with 0010's setting
-- restated: CREATE OR REPLACE drops a function's SET clause.
create or replace function allocation_after_insert() returns trigger language plpgsql set enable_nestloop = on as $$
declare
  named_count bigint;
  updated_count bigint;
  bad record;
begin
  execute $sql$
  with delta as materialized (
    select org_id, document_id, account_id, side, coalesce(sum(amount_minor) filter (where removed_at is null), 0)::bigint as amount_minor
    from (select org_id, credit_id as document_id, account_id, 'credit' as side, amount_minor, removed_at from inserted_allocation
          union all
          select org_id, debit_id, account_id, 'debit', amount_minor, removed_at from inserted_allocation) sides
    group by org_id, document_id, account_id, side
  ),
  updated as (
    update document_balance b set allocated_minor = b.allocated_minor + delta.amount_minor
    from (select * from delta order by org_id, document_id) delta
    where b.org_id = delta.org_id and b.document_id = delta.document_id and b.account_id = delta.account_id and b.side = delta.side
    returning 1
  )
  select (select count(*) from delta), (select count(*) from updated)
  $sql$ into named_count, updated_count;

  if named_count = updated_count and not exists (
    select 1 from (select distinct org_id, run_id from inserted_allocation where run_id is not null) named_run
    where not exists (select 1 from reconciliation_run run where run.org_id = named_run.org_id and run.id = named_run.run_id)
  ) then
    return null;
  end if;
  select a.id, a.org_id, a.account_id, a.credit_id, a.debit_id, a.run_id,
         credit.document_id is null as credit_missing, debit.document_id is null as debit_missing
    into bad
  from inserted_allocation a
  left join document_balance credit on credit.org_id = a.org_id and credit.document_id = a.credit_id
                                   and credit.account_id = a.account_id and credit.side = 'credit'
  left join document_balance debit on debit.org_id = a.org_id and debit.document_id = a.debit_id
                                  and debit.account_id = a.account_id and debit.side = 'debit'
  left join reconciliation_run run on run.org_id = a.org_id and run.id = a.run_id
  where credit.document_id is null or debit.document_id is null or (a.run_id is not null and run.id is null)
  limit 1;
  if not found then
    raise exception 'allocation_after_insert: % documents named but % updated, and no row breaks a key', named_count, updated_count
      using errcode = 'internal_error';
  end if;
  if bad.credit_missing then
    raise exception 'insert on table "allocation" violates the allocation''s credit key: document % is not a credit of account % in organisation %',
      bad.credit_id, bad.account_id, bad.org_id
      using errcode = 'foreign_key_violation', table = 'allocation',
            constraint = 'allocation_org_id_account_id_credit_id_credit_side_fkey',
            detail = format('Key (org_id, account_id, credit_id, credit_side)=(%s, %s, %s, credit) is not present in table "document".', bad.org_id, bad.account_id, bad.credit_id);
  elsif bad.debit_missing then
    raise exception 'insert on table "allocation" violates the allocation''s debit key: document % is not a debit of account % in organisation %',
      bad.debit_id, bad.account_id, bad.org_id
      using errcode = 'foreign_key_violation', table = 'allocation',
            constraint = 'allocation_org_id_account_id_debit_id_debit_side_fkey',
            detail = format('Key (org_id, account_id, debit_id, debit_side)=(%s, %s, %s, debit) is not present in table "document".', bad.org_id, bad.account_id, bad.debit_id);
  else
    raise exception 'insert on table "allocation" violates the allocation''s run key: run % is not a run of organisation %',
      bad.run_id, bad.org_id
      using errcode = 'foreign_key_violation', table = 'allocation',
            constraint = 'allocation_org_id_run_id_fkey',
            detail = format('Key (org_id, run_id)=(%s, %s) is not present in table "reconciliation_run".', bad.org_id, bad.run_id);
  end if;
end $$;


alter table allocation drop column credit_side, drop column debit_side;
