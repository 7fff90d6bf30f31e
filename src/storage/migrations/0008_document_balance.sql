-- What reconciliation reads and writes of a document, in a narrow table of its own: the keys, the
-- order and references the passes need, the amount, whether it is voided, and the running total
-- allocated to it. The wide document row (descriptions, ledger codes, methods, payer details) then
-- never changes when money is allocated.
--
-- Why (measured in docs/benchmarks.md): raising allocated_minor on the wide rows was a third of a
-- bulk run, and on an account whose documents are all open it was most of it. Updating every row
-- of a page overflows the page, so the updates stop being HOT (heap-only) and write a new entry in
-- each of document's six indexes. A narrow row at fillfactor 50 leaves room on its page for a new
-- version of every row on it, its two indexes hold no column that changes, and the run's read of
-- the open documents scans this table alone.
--
-- The guarantees are the same and stay in the database: the same CHECKs (same names, so callers
-- see the same refusals) bound allocated_minor by the amount and refuse allocations to a voided
-- document; the allocation triggers move allocated_minor in the same statement as the allocation
-- rows; triggers on document keep the copies equal to the document (inserted with it, updated
-- with it); rows are never deleted and their keys never change.
create table document_balance (
  org_id bigint not null,
  document_id bigint not null,
  account_id bigint not null,
  kind text not null,
  side text not null,
  date date not null,
  invoice_id bigint,
  position integer not null,
  reference_document_id bigint,
  amount_minor bigint not null,
  allocated_minor bigint not null default 0,
  voided boolean not null,
  primary key (org_id, document_id),
  constraint document_allocated_within_amount check (allocated_minor >= 0 and allocated_minor <= amount_minor),
  constraint document_void_has_no_allocation check (not voided or allocated_minor = 0)
) with (fillfactor = 50);

create index document_balance_account on document_balance (org_id, account_id);

insert into document_balance (org_id, document_id, account_id, kind, side, date, invoice_id, position, reference_document_id, amount_minor, allocated_minor, voided)
select org_id, id, account_id, kind, side, date, invoice_id, position, reference_document_id, amount_minor, allocated_minor, voided_at is not null
from document order by org_id, id;

alter table document drop constraint document_allocated_within_amount;
alter table document drop constraint document_void_has_no_allocation;
alter table document drop column allocated_minor;
-- Documents now change only when a payment is collected or voided: pages written from now on are full.
alter table document set (fillfactor = 100);

-- A document's balance row is written with it, in the same statement (one insert per statement).
create or replace function document_after_insert() returns trigger language plpgsql as $$
begin
  insert into document_balance (org_id, document_id, account_id, kind, side, date, invoice_id, position, reference_document_id, amount_minor, voided)
  select org_id, id, account_id, kind, side, date, invoice_id, position, reference_document_id, amount_minor, voided_at is not null
  from inserted_document order by org_id, id;
  return null;
end $$;

create trigger document_after_insert after insert on document
  referencing new table as inserted_document
  for each statement execute function document_after_insert();

-- Copies follow the document. Keys never change (0005 refuses it); the rest is copied when set.
create or replace function document_after_update() returns trigger language plpgsql as $$
begin
  update document_balance b
  set kind = new.kind, date = new.date, invoice_id = new.invoice_id, position = new.position,
      reference_document_id = new.reference_document_id, amount_minor = new.amount_minor, voided = new.voided_at is not null
  where b.org_id = new.org_id and b.document_id = new.id;
  return null;
end $$;

create trigger document_after_update after update of kind, date, invoice_id, position, reference_document_id, amount_minor, voided_at on document
  for each row
  when ((new.kind, new.date, new.invoice_id, new.position, new.reference_document_id, new.amount_minor, new.voided_at is not null)
        is distinct from (old.kind, old.date, old.invoice_id, old.position, old.reference_document_id, old.amount_minor, old.voided_at is not null))
  execute function document_after_update();

create trigger document_balance_refuse_delete before delete on document_balance
  for each statement execute function history_refuse_delete();
create trigger document_balance_refuse_truncate before truncate on document_balance
  for each statement execute function history_refuse_delete();
create trigger document_balance_refuse_key_change before update of org_id, document_id, account_id, side on document_balance
  for each row when ((new.org_id, new.document_id, new.account_id, new.side) is distinct from (old.org_id, old.document_id, old.account_id, old.side))
  execute function history_refuse_key_change();

-- The allocation triggers of 0007 and 0004, moving allocated_minor on document_balance. The key
-- check is the same: the update matches account and side, so it updates as many rows as the
-- statement names distinct (document, account, side) exactly when every key holds; otherwise the
-- detailed query of 0005 names the row and raises the same error.
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
    update document_balance b set allocated_minor = b.allocated_minor + delta.amount_minor
    from (select * from delta order by org_id, document_id) delta
    where b.org_id = delta.org_id and b.document_id = delta.document_id and b.account_id = delta.account_id and b.side = delta.side
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

-- The removal trigger of 0004, lowering allocated_minor on document_balance.
create or replace function allocation_after_update() returns trigger language plpgsql as $$
begin
  if exists (select 1 from old_allocation o join new_allocation n on n.org_id = o.org_id and n.id = o.id
             where n.credit_id <> o.credit_id or n.debit_id <> o.debit_id or n.amount_minor <> o.amount_minor
                or n.account_id <> o.account_id or n.source <> o.source or n.run_id is distinct from o.run_id
                or n.created_by <> o.created_by or n.created_at <> o.created_at
                or (o.removed_at is not null and (n.removed_at, n.removed_by, n.removal_reason)
                                                  is distinct from (o.removed_at, o.removed_by, o.removal_reason))) then
    raise exception 'allocations are immutable except for their removal' using errcode = 'integrity_constraint_violation';
  end if;
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
  where b.org_id = delta.org_id and b.document_id = delta.document_id;
  return null;
end $$;
