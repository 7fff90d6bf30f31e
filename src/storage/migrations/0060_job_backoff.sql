-- A job whose run failed is not claimed again at once: it waits until `not_before` (an exponential
-- back-off) and gives up after a bounded number of attempts. The run keeps the reason of its last
-- failed attempt in `error` and, while it waits, when the next attempt is due in `retry_at`.
alter table job add column not_before timestamptz;
alter table reconciliation_run add column retry_at timestamptz;
