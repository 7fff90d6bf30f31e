-- Runs are numbered 1, 2, 3 … within their organisation: the number is what people, the API, the
-- command line and the audit trail call a run. The identity column stays the key every table
-- refers to. A preview's run row lives only inside its rolled-back transaction and takes no
-- number, so previews no longer use numbers up.
alter table reconciliation_run add column number bigint;

-- The organisation's last run number, taken with a row lock for the few statements that create a
-- run (a counter per organisation, distributed with its runs by org_id).
create table reconciliation_run_number (
  org_id bigint not null references organisation (id),
  last_number bigint not null check (last_number >= 0),
  primary key (org_id)
);

-- Existing runs are numbered in the order they were created.
update reconciliation_run r set number = numbered.number
from (select org_id, id, row_number() over (partition by org_id order by id) as number from reconciliation_run) numbered
where r.org_id = numbered.org_id and r.id = numbered.id;

insert into reconciliation_run_number (org_id, last_number)
select org_id, max(number) from reconciliation_run group by org_id;

create unique index reconciliation_run_by_number on reconciliation_run (org_id, number);
