-- Allocations are history: never deleted (a removal is recorded on the row instead), nor truncated,
-- which would also leave documents' allocated totals wrong.
create or replace function allocation_refuse_delete() returns trigger language plpgsql as $$
begin
  raise exception 'allocations are history and cannot be deleted' using errcode = 'integrity_constraint_violation';
end $$;
