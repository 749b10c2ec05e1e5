-- The queue pane's postponed jobs: `queued` rows that carry a reason (`error_message`) and are due later
-- (`next_attempt_at`), put back by a worker whose search waits for the quota or the API, or by a retry backoff.
-- Counting them and reading the latest-due few walks this small index instead of every queued row (a 1M-row
-- backlog is mostly queued rows without a reason).
CREATE INDEX IF NOT EXISTS processing_queue_postponed_idx
  ON processing_queue (next_attempt_at DESC, id DESC) WHERE status = 'queued' AND error_message IS NOT NULL;
