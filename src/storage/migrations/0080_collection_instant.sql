-- Reports are asked "as of" an instant (docs/DECISIONS.md, reports): a scheduled installment is
-- money in only from the instant it was collected. Voids already keep that instant (voided_at);
-- collections kept only their day (collected_on). collected_at is the instant the collection was
-- recorded; null for a payment that was never scheduled (money in from the instant it was recorded).
alter table document add column collected_at timestamptz;

-- Installments collected before this migration: the instant is unknown. The day of collection, at
-- the start of that day in the organisation's time zone, and never before the payment was recorded,
-- is the best that is known (an as-of report before it treats the installment as still scheduled).
update document d
set collected_at = greatest(d.created_at, least(now(), d.collected_on::timestamp at time zone o.time_zone))
from organisation o
where o.id = d.org_id and d.kind = 'payment' and d.collected_on is not null and d.collected_at is null;
