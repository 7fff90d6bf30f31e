-- An allocation's history checked per row, by the trigger's WHEN condition, instead of by a join of
-- the update statement's old and new transition tables (allocation_after_update since 0004).
--
-- Citus runs an allocation trigger on the shard holding the rows, where a statement that reads a
-- transition table together with another table cannot be planned (docs/scale-out.md). A row
-- trigger reads no transition table, and its WHEN condition is evaluated on the old and new row
-- as the update writes it: a statement that only records removals queues nothing and pays one
-- comparison per row, where the join hashed both transition tables. The rule is the same as
-- 0004's: documents, amount, account, source, run, who made it and when never change, and a
-- removal, once recorded, is final. The error is the same too (SQLSTATE 23000, "immutable").
-- allocation_refuse_key_change (0005, 0015) still refuses a change of organisation or id.
create trigger allocation_refuse_history_change after update on allocation
  for each row
  when ((new.account_id, new.credit_id, new.debit_id, new.amount_minor, new.source, new.run_id, new.created_by, new.created_at)
        is distinct from (old.account_id, old.credit_id, old.debit_id, old.amount_minor, old.source, old.run_id, old.created_by, old.created_at)
        or (old.removed_at is not null and (new.removed_at, new.removed_by, new.removal_reason)
                                           is distinct from (old.removed_at, old.removed_by, old.removal_reason)))
  execute function allocation_refuse_history_change();
