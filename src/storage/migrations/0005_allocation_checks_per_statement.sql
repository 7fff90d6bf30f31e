-- The three foreign keys of allocation (its credit, its debit, its run), checked once per
-- statement instead of once per row. Same rules, same SQLSTATE (23503 foreign_key_violation), same
-- constraint names in the error; measured in docs/benchmarks.md.
--
-- A row-level foreign key runs one query per allocation row and per key, each locking the
-- referenced row (FOR KEY SHARE, a WAL record of its own): on a 20,000-account batch of a run the
-- three took 3.8 s, as long as the statement that computed the allocations. Here one query over the
-- statement's transition table checks every row, before allocated_minor moves on any document
-- (the row-level checks also fired before this trigger, so a row breaking both a key and a
-- document check is still refused as a foreign-key violation).
--
-- The row locks of a foreign key exist to stop the referenced row from being deleted, or its key
-- changed, before the referencing transaction commits. Documents and runs are history and are
-- never deleted, and their keys never change; the triggers below make the database refuse both, so
-- a document or run found by the check stays what it was, and no lock is needed.

alter table allocation drop constraint allocation_org_id_account_id_credit_id_credit_side_fkey;
alter table allocation drop constraint allocation_org_id_account_id_debit_id_debit_side_fkey;
alter table allocation drop constraint allocation_org_id_run_id_fkey;

-- The body of 0002 (per-document sums updated in document id order), preceded by the key check.
create or replace function allocation_after_insert() returns trigger language plpgsql as $$
declare
  bad record;
begin
  -- Every row's credit is a credit of its organisation and account, its debit a debit of them, and
  -- its run (if any) a run of its organisation: what the three foreign keys said (MATCH SIMPLE: a
  -- null run_id is not checked; credit_side and debit_side are fixed by their checks).
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
  if found then
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
  end if;

  update document d set allocated_minor = d.allocated_minor + delta.amount_minor
  from (
    select org_id, document_id, sum(amount_minor) as amount_minor
    from (select org_id, credit_id as document_id, amount_minor from inserted_allocation where removed_at is null
          union all
          select org_id, debit_id, amount_minor from inserted_allocation where removed_at is null) sides
    group by org_id, document_id
    order by org_id, document_id
  ) delta
  where d.org_id = delta.org_id and d.id = delta.document_id;
  return null;
end $$;

-- An allocation's keys never change either. 0004 refuses a changed document, account or run, but
-- it pairs old and new rows by (org_id, id), so a statement changing org_id (which the foreign keys
-- refused) or id would slip past it: refuse both. Fires only for statements that set them.
create or replace function allocation_refuse_key_change() returns trigger language plpgsql as $$
begin
  raise exception 'an allocation''s organisation and id never change' using errcode = 'integrity_constraint_violation';
end $$;

create trigger allocation_refuse_key_change before update of org_id, id on allocation
  for each row when (new.org_id is distinct from old.org_id or new.id is distinct from old.id)
  execute function allocation_refuse_key_change();

-- Documents and runs are history: never deleted (nor truncated), and what an allocation refers to
-- (a document's organisation, id, account and side; a run's organisation and id) never changes.
-- The update triggers fire only for statements that set those columns, so raising allocated_minor,
-- voiding a payment or recording a run's progress pays nothing for them.
create or replace function history_refuse_delete() returns trigger language plpgsql as $$
begin
  raise exception '% rows are history and cannot be deleted', tg_table_name
    using errcode = 'integrity_constraint_violation', table = tg_table_name;
end $$;

create trigger document_refuse_delete before delete on document
  for each statement execute function history_refuse_delete();
create trigger document_refuse_truncate before truncate on document
  for each statement execute function history_refuse_delete();
create trigger reconciliation_run_refuse_delete before delete on reconciliation_run
  for each statement execute function history_refuse_delete();
create trigger reconciliation_run_refuse_truncate before truncate on reconciliation_run
  for each statement execute function history_refuse_delete();

create or replace function history_refuse_key_change() returns trigger language plpgsql as $$
begin
  raise exception 'the keys of % rows never change (allocations refer to them)', tg_table_name
    using errcode = 'integrity_constraint_violation', table = tg_table_name;
end $$;

create trigger document_refuse_key_change before update of org_id, id, account_id, side on document
  for each row when ((new.org_id, new.id, new.account_id, new.side) is distinct from (old.org_id, old.id, old.account_id, old.side))
  execute function history_refuse_key_change();
create trigger reconciliation_run_refuse_key_change before update of org_id, id on reconciliation_run
  for each row when ((new.org_id, new.id) is distinct from (old.org_id, old.id))
  execute function history_refuse_key_change();
