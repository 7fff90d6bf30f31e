-- A run records each finished batch of accounts in the same transaction as the batch's
-- allocations. A run resumed after its process died skips the finished ranges (nothing is
-- allocated twice) and its summary is the sum of its batches. Runs may also be scoped by an
-- account filter ("every matching account"), resolved to ids when the run is created.
create table reconciliation_run_batch (
  org_id bigint not null,
  run_id bigint not null,
  first_account_id bigint not null,
  last_account_id bigint not null,
  accounts_count integer not null,
  referenced_debit_count bigint not null,
  referenced_invoice_count bigint not null,
  oldest_first_count bigint not null,
  allocated_minor bigint not null,
  credit_on_account_count integer not null,
  balance_owing_count integer not null,
  unreconciled_count integer not null,
  accounts_listed text not null,
  finished_at timestamptz not null default now(),
  primary key (org_id, run_id, first_account_id),
  foreign key (org_id, run_id) references reconciliation_run (org_id, id),
  check (first_account_id <= last_account_id)
);

alter table reconciliation_run drop constraint reconciliation_run_scope_check;
alter table reconciliation_run add constraint reconciliation_run_scope_check check (scope in ('account', 'accounts', 'filter', 'all'));
alter table reconciliation_run add column accounts_unreconciled integer not null default 0;
