-- The removal trigger without joining the statement's old rows to its new rows for the totals.
--
-- Undoing a run of 69,739 allocations ran for minutes: the update of document_balance took its
-- per-document sums from old_allocation joined to new_allocation, and with nested loops allowed
-- (0010, for the index probes into document_balance) the planner joined the two transition tables,
-- which have no index, in a nested loop: every old row against every new row.
--
-- The totals need no join. What a statement removes from a document is what was active on it
-- before minus what is active after: the sum over the old rows still active, less the sum over the
-- new rows still active. Amounts and documents of an allocation never change (the check below
-- refuses it), so that difference is exactly the amount of the allocations whose removal the
-- statement recorded, and zero for rows it left as they were.
--
-- The immutability check does pair old and new rows; it runs with nested loops off, so the two
-- transition tables are hashed. The function's own setting (restated here: CREATE OR REPLACE drops
-- the one 0010 gave it) makes both changes of enable_nestloop end when it returns.
create or replace function allocation_after_update() returns trigger language plpgsql set enable_nestloop = on as $$
declare
  changed boolean;
begin
  perform set_config('enable_nestloop', 'off', true);
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
  perform set_config('enable_nestloop', 'on', true);
  execute $sql$
  update document_balance b set allocated_minor = b.allocated_minor - delta.amount_minor
  from (
    select org_id, document_id, sum(amount_minor)::bigint as amount_minor
    from (select o.org_id, sides.document_id, o.amount_minor
          from old_allocation o cross join lateral (values (o.credit_id), (o.debit_id)) as sides (document_id)
          where o.removed_at is null
          union all
          select n.org_id, sides.document_id, -n.amount_minor
          from new_allocation n cross join lateral (values (n.credit_id), (n.debit_id)) as sides (document_id)
          where n.removed_at is null) active_change
    group by org_id, document_id
    having sum(amount_minor) <> 0
    order by org_id, document_id
  ) delta
  where b.org_id = delta.org_id and b.document_id = delta.document_id
  $sql$;
  return null;
end $$;
