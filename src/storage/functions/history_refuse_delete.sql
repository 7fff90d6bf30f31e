-- Documents, their balance rows and runs are history: never deleted nor truncated.
create or replace function history_refuse_delete() returns trigger language plpgsql as $$
begin
  raise exception '% rows are history and cannot be deleted', tg_table_name
    using errcode = 'integrity_constraint_violation', table = tg_table_name;
end $$;
