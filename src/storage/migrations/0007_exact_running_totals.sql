-- Running totals in bigint for the auto-reconcile windows. PostgreSQL's sum(bigint) returns
-- numeric, so every running position, comparison and sort in the lane passes was numeric
-- arithmetic; this aggregate adds with int8pl, which raises 22003 (numeric_value_out_of_range) on
-- overflow instead of wrapping, so a total is exact or the statement fails. A lane's total is the
-- sum of one account's open remainders (each at most 10^15 minor units by document's check), so
-- overflow needs over 9,000 open documents of the maximum amount in one account.
create aggregate running_total_minor(bigint) (sfunc = int8pl, stype = bigint, initcond = '0');

-- The allocation keys (0005) checked by the update that raises allocated_minor, instead of by a
-- join of its own before it. The update already finds each document by (org_id, id); matching its
-- account and side as well, it updates exactly the documents the keys allow, so the number of
-- documents updated equals the number of distinct (document, account, side) the statement names
-- exactly when every key holds. Only when they differ is the 0005 query run, to name the row and
-- raise the same error (SQLSTATE 23503, same constraint names). Measured on a 10,000-account batch
-- of a run: the separate check cost 162 ms of the trigger's 806 ms.
--
-- What changes: a statement breaking both a key and a document's amount check used to be refused
-- as a key violation; now either refusal may come first. Both refuse the whole statement.
-- Allocations inserted already removed (history from an import) name their documents too, so they
-- are part of the count; they add nothing to allocated_minor.
create or replace function allocation_after_insert() returns trigger language plpgsql as $$
declare
  named_count bigint;
  updated_count bigint;
  bad record;
begin
  with delta as materialized (
    select org_id, document_id, account_id, side, coalesce(sum(amount_minor) filter (where removed_at is null), 0)::bigint as amount_minor
    from (select org_id, credit_id as document_id, account_id, credit_side as side, amount_minor, removed_at from inserted_allocation
          union all
          select org_id, debit_id, account_id, debit_side, amount_minor, removed_at from inserted_allocation) sides
    group by org_id, document_id, account_id, side
  ),
  updated as (
    update document d set allocated_minor = d.allocated_minor + delta.amount_minor
    from (select * from delta order by org_id, document_id) delta
    where d.org_id = delta.org_id and d.id = delta.document_id and d.account_id = delta.account_id and d.side = delta.side
    returning 1
  )
  select (select count(*) from delta), (select count(*) from updated) into named_count, updated_count;

  if named_count = updated_count and not exists (
    select 1 from (select distinct org_id, run_id from inserted_allocation where run_id is not null) named_run
    where not exists (select 1 from reconciliation_run run where run.org_id = named_run.org_id and run.id = named_run.run_id)
  ) then
    return null;
  end if;

  select a.id, a.org_id, a.account_id, a.credit_id, a.debit_id, a.run_id,
         credit.id is null as credit_missing, debit.id is null as debit_missing
    into bad
  from inserted_allocation a
  left join document credit on credit.org_id = a.org_id and credit.id = a.credit_id
                           and credit.account_id = a.account_id and credit.side = a.credit_side
  left join document debit on debit.org_id = a.org_id and debit.id = a.debit_id
                          and debit.account_id = a.account_id and debit.side = a.debit_side
  left join reconciliation_run run on run.org_id = a.org_id and run.id = a.run_id
  where credit.id is null or debit.id is null or (a.run_id is not null and run.id is null)
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
