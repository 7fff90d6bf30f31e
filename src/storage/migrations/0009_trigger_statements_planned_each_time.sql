-- The statements of the allocation triggers, planned each time they run (EXECUTE) instead of once
-- per connection.
--
-- PL/pgSQL plans a static statement once per session and keeps the plan. The trigger statements
-- have no parameters, so that first plan is generic and is kept for as long as the connection
-- lives: a server connection that first wrote allocations while an organisation was small kept
-- updating document_balance through a sequential scan of the whole table long after it had grown
-- (measured: generating 100,000 accounts went from 81 s to 288 s, each chunk slower than the last,
-- and a run after it stalled). Planned at each firing, the statement uses current statistics and
-- the transition table's real row count; planning costs well under a millisecond per statement,
-- and the triggers fire once per statement, not per row. Bodies are otherwise those of 0008.

create or replace function allocation_after_insert() returns trigger language plpgsql as $$
declare
  named_count bigint;
  updated_count bigint;
  bad record;
begin
  execute $sql$
  with delta as materialized (
    select org_id, document_id, account_id, side, coalesce(sum(amount_minor) filter (where removed_at is null), 0)::bigint as amount_minor
    from (select org_id, credit_id as document_id, account_id, credit_side as side, amount_minor, removed_at from inserted_allocation
          union all
          select org_id, debit_id, account_id, debit_side, amount_minor, removed_at from inserted_allocation) sides
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
                                   and credit.account_id = a.account_id and credit.side = a.credit_side
  left join document_balance debit on debit.org_id = a.org_id and debit.document_id = a.debit_id
                                  and debit.account_id = a.account_id and debit.side = a.debit_side
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

-- Both statements join the old and new transition tables, which hold every row of the statement
-- (an undo removes a whole run's allocations at once): planned each time, with their real sizes.
create or replace function allocation_after_update() returns trigger language plpgsql as $$
declare
  changed boolean;
begin
  execute $sql$
  select exists (select 1 from old_allocation o join new_allocation n on n.org_id = o.org_id and n.id = o.id
                 where n.credit_id <> o.credit_id or n.debit_id <> o.debit_id or n.amount_minor <> o.amount_minor
                    or n.account_id <> o.account_id or n.source <> o.source or n.run_id is distinct from o.run_id
                    or n.created_by <> o.created_by or n.created_at <> o.created_at
                    or (o.removed_at is not null and (n.removed_at, n.removed_by, n.removal_reason)
                                                      is distinct from (o.removed_at, o.removed_by, o.removal_reason)))
  $sql$ into changed;
  if changed then
    raise exception 'allocations are immutable except for their removal' using errcode = 'integrity_constraint_violation';
  end if;
  execute $sql$
  update document_balance b set allocated_minor = b.allocated_minor - delta.amount_minor
  from (
    select o.org_id, sides.document_id, sum(o.amount_minor) as amount_minor
    from old_allocation o
    join new_allocation n on n.org_id = o.org_id and n.id = o.id
    cross join lateral (values (o.credit_id), (o.debit_id)) as sides (document_id)
    where o.removed_at is null and n.removed_at is not null
    group by o.org_id, sides.document_id
    order by o.org_id, sides.document_id
  ) delta
  where b.org_id = delta.org_id and b.document_id = delta.document_id
  $sql$;
  return null;
end $$;
