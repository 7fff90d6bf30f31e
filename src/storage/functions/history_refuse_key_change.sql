-- What an allocation refers to (a document's organisation, id, account and side; a run's
-- organisation and id) never changes, so the allocation checks need no lock on what they found.
create or replace function history_refuse_key_change() returns trigger language plpgsql as $$
begin
  raise exception 'the keys of % rows never change (allocations refer to them)', tg_table_name
    using errcode = 'integrity_constraint_violation', table = tg_table_name;
end $$;
