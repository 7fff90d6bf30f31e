-- An allocation is history once written: besides its documents, amount, account and source, who
-- made it, when and in which run never change, and a removal, once recorded, is final (when, by
-- whom, why). Fired per row only when its WHEN condition (on the trigger, in the migration that
-- created it) finds such a change, so a removal pays nothing for it; a row trigger reads no
-- transition table, which Citus runs on each shard as it is.
create or replace function allocation_refuse_history_change() returns trigger language plpgsql as $$
begin
  raise exception 'allocations are immutable except for their removal (allocation % of organisation %)', old.id, old.org_id
    using errcode = 'integrity_constraint_violation', table = 'allocation';
end $$;
