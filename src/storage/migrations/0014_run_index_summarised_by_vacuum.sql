-- The run index's new page ranges are summarised by (auto)vacuum rather than on request. With
-- autosummarize each filled range queued a work item for autovacuum, and a large run or undo
-- filled ranges faster than the queue took them ("request for BRIN range summarization … was not
-- recorded", once per range, in the server log). Unsummarised ranges are simply read by every
-- lookup, and the most recent ones are where a new run's rows are anyway.
alter index allocation_run set (autosummarize = off);
