-- An allocation is history once written: besides its documents, amount, account and source, who
-- made it, when and in which run never change, and a removal, once recorded, is final (when, by
-- whom, why). TRUNCATE would erase history and leave documents' allocated totals wrong.
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

create trigger allocation_refuse_truncate before truncate on allocation
  for each statement execute function allocation_refuse_delete();
