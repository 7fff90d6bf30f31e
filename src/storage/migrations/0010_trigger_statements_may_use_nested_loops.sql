-- The auto-reconcile batch turns nested-loop joins off for its transaction (services/auto-reconcile
-- `reconcileBatch`): its joins are over intermediate results whose sizes the planner cannot know,
-- and with statistics that lag behind new documents it estimated one row where there were 50,000
-- and joined them in nested loops (a 100,000-document account ran for minutes instead of a
-- second). The allocation triggers run inside that transaction, and their update is exactly where
-- a nested loop belongs: a few thousand index probes into document_balance, in id order, rather
-- than hashing the whole table. The setting is restored when each function returns.
alter function allocation_after_insert() set enable_nestloop = on;
alter function allocation_after_update() set enable_nestloop = on;
