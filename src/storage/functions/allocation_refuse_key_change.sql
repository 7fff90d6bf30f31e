-- An allocation's organisation and id never change: the removal trigger pairs nothing by them any
-- more, but every reference to an allocation (audit, undo) does.
create or replace function allocation_refuse_key_change() returns trigger language plpgsql as $$
begin
  raise exception 'an allocation''s organisation and id never change' using errcode = 'integrity_constraint_violation';
end $$;
