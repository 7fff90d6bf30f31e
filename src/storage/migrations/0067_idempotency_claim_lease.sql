-- A key in progress is held by its request through a lease that the request renews while it
-- runs (claimed_until). A retry takes the key over only when the lease has lapsed — the process
-- that held it died — never because the request is merely long. Keys written before this have
-- no lease; they are judged by their age as before (created_at plus five minutes).
alter table idempotency_key add column claimed_until timestamptz;
