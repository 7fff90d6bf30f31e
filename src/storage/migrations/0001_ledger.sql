-- Tally ledger schema. Every table carries org_id and leads its primary, unique and foreign keys
-- with it, so the schema can later be distributed by organisation.

create table organisation (
  id bigint generated always as identity primary key,
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name text not null,
  currency char(3) not null,
  minor_digits smallint not null check (minor_digits between 0 and 4),
  time_zone text not null default 'America/Toronto',
  reconciliation_enabled boolean not null default true,
  created_at timestamptz not null default now()
);

create table account (
  org_id bigint not null references organisation (id),
  id bigint generated always as identity,
  external_id text not null,
  owner_name text not null,
  owner_email text not null default '',
  created_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, external_id)
);

create table participant (
  org_id bigint not null,
  id bigint generated always as identity,
  account_id bigint not null,
  external_id text not null,
  name text not null,
  birth_date date,
  created_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, external_id),
  unique (org_id, account_id, id),
  foreign key (org_id, account_id) references account (org_id, id)
);

-- One table for every document with an external id: invoices, their items, refunds, payments,
-- deposits, credits and cancellations. One table gives one id namespace per organisation (a
-- reference is unambiguous), one creation order (the id) and one target for allocations.
create table document (
  org_id bigint not null,
  id bigint generated always as identity,
  account_id bigint not null,
  kind text not null check (kind in ('invoice', 'item', 'refund', 'payment', 'deposit', 'credit', 'cancellation')),
  side text not null,
  external_id text not null,
  date date not null,
  amount_minor bigint not null,
  -- Maintained by the allocation triggers in the same transaction as the allocation rows.
  allocated_minor bigint not null default 0,
  -- Items: their invoice and order on it.
  invoice_id bigint,
  position integer not null default 0,
  description text not null default '',
  ledger_code text not null default '',
  participant_id bigint,
  rl24_eligible boolean not null default false,
  -- Payments and refunds.
  method text,
  -- Credits and refunds may name what they are for; the text as given, and the document it resolved to.
  reference text not null default '',
  reference_document_id bigint,
  scheduled boolean not null default false,
  collected_on date,
  voided_at timestamptz,
  voided_by text,
  created_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, external_id),
  -- The target of allocations' foreign keys: same organisation, same account, right side.
  unique (org_id, account_id, id, side),
  foreign key (org_id, account_id) references account (org_id, id),
  foreign key (org_id, invoice_id) references document (org_id, id),
  foreign key (org_id, reference_document_id) references document (org_id, id),
  foreign key (org_id, account_id, participant_id) references participant (org_id, account_id, id),
  constraint document_side_matches_kind check (side = case when kind in ('item', 'refund') then 'debit'
                                                          when kind = 'invoice' then 'none' else 'credit' end),
  constraint document_amount_in_range check (amount_minor >= 0 and amount_minor <= 1000000000000000
                                             and (amount_minor > 0 or kind in ('item', 'invoice'))),
  constraint document_allocated_within_amount check (allocated_minor >= 0 and allocated_minor <= amount_minor),
  constraint document_void_has_no_allocation check (voided_at is null or allocated_minor = 0),
  constraint document_item_has_invoice check ((kind = 'item') = (invoice_id is not null)),
  constraint document_cancellation_names_item check (kind <> 'cancellation' or reference_document_id is not null),
  constraint document_only_payments_scheduled check (not scheduled or kind = 'payment'),
  constraint document_method_known check (method is null or method in ('cash', 'cheque', 'card', 'eft', 'online', 'other'))
) with (fillfactor = 85);  -- room on each page so allocation updates stay HOT

create index document_account on document (org_id, account_id, side);
create index document_invoice on document (org_id, invoice_id) where invoice_id is not null;
create index document_reference on document (org_id, reference_document_id) where reference_document_id is not null;

create table reconciliation_run (
  org_id bigint not null references organisation (id),
  id bigint generated always as identity,
  scope text not null check (scope in ('account', 'accounts', 'all')),
  account_ids bigint[],
  strategy text not null check (strategy in ('reference', 'fifo')),
  actor text not null,
  status text not null check (status in ('running', 'completed', 'failed', 'undone')),
  accounts_total integer not null default 0,
  accounts_done integer not null default 0,
  allocations_count bigint not null default 0,
  allocated_minor bigint not null default 0,
  accounts_credit_on_account integer not null default 0,
  accounts_balance_owing integer not null default 0,
  error text,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  undone_at timestamptz,
  undone_by text,
  primary key (org_id, id)
);

create table allocation (
  org_id bigint not null,
  id bigint generated always as identity,
  account_id bigint not null,
  credit_id bigint not null,
  credit_side text not null default 'credit' check (credit_side = 'credit'),
  debit_id bigint not null,
  debit_side text not null default 'debit' check (debit_side = 'debit'),
  amount_minor bigint not null check (amount_minor > 0),
  source text not null check (source in ('checkout', 'installments', 'balance-payment', 'auto', 'manual', 'import')),
  run_id bigint,
  created_by text not null,
  created_at timestamptz not null default now(),
  -- Removal keeps the row as history.
  removed_at timestamptz,
  removed_by text,
  removal_reason text check (removal_reason in ('manual', 'undo', 'void')),
  check ((removed_at is null) = (removed_by is null) and (removed_at is null) = (removal_reason is null)),
  check ((source = 'auto') = (run_id is not null)),
  primary key (org_id, id),
  foreign key (org_id, account_id, credit_id, credit_side) references document (org_id, account_id, id, side),
  foreign key (org_id, account_id, debit_id, debit_side) references document (org_id, account_id, id, side),
  foreign key (org_id, run_id) references reconciliation_run (org_id, id)
);

create index allocation_credit on allocation (org_id, credit_id) where removed_at is null;
create index allocation_debit on allocation (org_id, debit_id) where removed_at is null;
create index allocation_run on allocation (org_id, run_id) where run_id is not null;
create index allocation_account on allocation (org_id, account_id);

-- (The function bodies below are this version's. Every function a trigger calls has its current
-- body in src/storage/functions/, applied on every migrate; migrations keep their bodies as history.)

-- The allocation invariants, kept by the database in the same transaction as the write:
-- every insert or removal moves allocated_minor on both documents by the same amount, and the
-- checks on document refuse a total above the amount or any allocation to a voided document.
-- Statement-level triggers with transition tables keep bulk runs set-based (one update per
-- statement, not one per row). The row update also locks the document, serialising writers.
create or replace function allocation_after_insert() returns trigger language plpgsql as $$
begin
  update document d set allocated_minor = d.allocated_minor + delta.amount_minor
  from (
    select org_id, document_id, sum(amount_minor) as amount_minor
    from (select org_id, credit_id as document_id, amount_minor from inserted_allocation where removed_at is null
          union all
          select org_id, debit_id, amount_minor from inserted_allocation where removed_at is null) sides
    group by org_id, document_id
  ) delta
  where d.org_id = delta.org_id and d.id = delta.document_id;
  return null;
end $$;

create trigger allocation_after_insert after insert on allocation
  referencing new table as inserted_allocation
  for each statement execute function allocation_after_insert();

create or replace function allocation_after_update() returns trigger language plpgsql as $$
begin
  -- An allocation is history once written: only its removal may be recorded, once.
  if exists (select 1 from old_allocation o join new_allocation n on n.org_id = o.org_id and n.id = o.id
             where n.credit_id <> o.credit_id or n.debit_id <> o.debit_id or n.amount_minor <> o.amount_minor
                or n.account_id <> o.account_id or n.source <> o.source
                or (o.removed_at is not null and n.removed_at is distinct from o.removed_at)) then
    raise exception 'allocations are immutable except for their removal' using errcode = 'integrity_constraint_violation';
  end if;
  update document d set allocated_minor = d.allocated_minor - delta.amount_minor
  from (
    select o.org_id, sides.document_id, sum(o.amount_minor) as amount_minor
    from old_allocation o
    join new_allocation n on n.org_id = o.org_id and n.id = o.id
    cross join lateral (values (o.credit_id), (o.debit_id)) as sides (document_id)
    where o.removed_at is null and n.removed_at is not null
    group by o.org_id, sides.document_id
  ) delta
  where d.org_id = delta.org_id and d.id = delta.document_id;
  return null;
end $$;

create trigger allocation_after_update after update on allocation
  referencing old table as old_allocation new table as new_allocation
  for each statement execute function allocation_after_update();

create or replace function allocation_refuse_delete() returns trigger language plpgsql as $$
begin
  raise exception 'allocations are history and cannot be deleted' using errcode = 'integrity_constraint_violation';
end $$;

create trigger allocation_refuse_delete before delete on allocation
  for each statement execute function allocation_refuse_delete();
