-- The "keys never change" triggers fire after the row instead of before it.
--
-- 0005 made them BEFORE UPDATE OF <key columns> ... FOR EACH ROW, expecting a statement that does not
-- set a key column to pay nothing for them. It pays: before running any BEFORE ROW update trigger,
-- PostgreSQL fetches and locks the row being updated (a tuple lock, with its own WAL record), and
-- only then checks each trigger's column list. Every allocation total raised by a run (document_balance)
-- and every allocation marked removed by an undo (allocation) took that lock; measured with perf on a
-- 100,000-account run, it was about 4 % of the server's CPU.
--
-- An AFTER ROW trigger's column list and WHEN condition are checked before anything is fetched, so
-- statements that do not set a key column skip it for free. The refusal is the same: the trigger
-- raises, and the statement (and its transaction) is rolled back whole.
drop trigger document_balance_refuse_key_change on document_balance;
create trigger document_balance_refuse_key_change after update of org_id, document_id, account_id, side on document_balance
  for each row when ((new.org_id, new.document_id, new.account_id, new.side) is distinct from (old.org_id, old.document_id, old.account_id, old.side))
  execute function history_refuse_key_change();

drop trigger allocation_refuse_key_change on allocation;
create trigger allocation_refuse_key_change after update of org_id, id on allocation
  for each row when (new.org_id is distinct from old.org_id or new.id is distinct from old.id)
  execute function allocation_refuse_key_change();

drop trigger document_refuse_key_change on document;
create trigger document_refuse_key_change after update of org_id, id, account_id, side on document
  for each row when ((new.org_id, new.id, new.account_id, new.side) is distinct from (old.org_id, old.id, old.account_id, old.side))
  execute function history_refuse_key_change();

drop trigger reconciliation_run_refuse_key_change on reconciliation_run;
create trigger reconciliation_run_refuse_key_change after update of org_id, id on reconciliation_run
  for each row when ((new.org_id, new.id) is distinct from (old.org_id, old.id))
  execute function history_refuse_key_change();
