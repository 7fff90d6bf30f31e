-- What a run allocated is a sum over many accounts: each account's total is bounded (migration
-- 0065), but thousands of accounts together can pass a bigint, and a run whose total overflowed
-- would fail at every batch. The run's and its batches' totals are numeric (exact, unbounded).
alter table reconciliation_run alter column allocated_minor type numeric;
alter table reconciliation_run_batch alter column allocated_minor type numeric;
