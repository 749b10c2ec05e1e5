-- Rows of processing_queue per status, kept by triggers, so that the queue pane costs the same at 10M rows as at
-- 10k (no GROUP BY over the whole queue once a second). The triggers count whoever writes: the web app's
-- INSERT ... ON CONFLICT DO NOTHING (only the rows it inserted), our workers' claims and completions, deletes.
--
-- A status's count is the sum of its rows here. Each statement appends its own deltas instead of updating one row
-- per status: concurrent writers never wait for each other's counters (no hot row, no lock order between
-- statuses, hence no deadlock) and no update is lost. Now and then a writer folds the rows into one per status.

CREATE TABLE IF NOT EXISTS queue_status_counts (
  status TEXT,             -- processing_queue.status (any value, including ones the web app invents)
  n BIGINT NOT NULL        -- rows gained (positive) or lost (negative) by that status
);

-- Folds every committed delta into one row per status. Only one transaction folds at a time; the others skip
-- (no waiting): the advisory lock is held until the folding transaction ends. Deltas not yet committed are not
-- visible here and stay as they are. Under REPEATABLE READ or SERIALIZABLE a concurrent fold could make the delete
-- fail with a serialization error, so only READ COMMITTED transactions (the default) fold.
CREATE OR REPLACE FUNCTION rotation_fold_queue_status_counts() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed'
     OR NOT pg_try_advisory_xact_lock(hashtext('rotation_queue_status_counts'), 0) THEN
    RETURN;
  END IF;
  WITH folded AS (DELETE FROM queue_status_counts RETURNING status, n)
  INSERT INTO queue_status_counts (status, n)
  SELECT status, sum(n) FROM folded GROUP BY status HAVING sum(n) <> 0;
END $$;

-- Per statement with transition tables: a COPY or a worker's batch pays once, and an update that changes no
-- status (a lease renewal) adds nothing. Only the branch for this event is planned, so each names only the
-- transition tables it has.
CREATE OR REPLACE FUNCTION rotation_count_queue_changes() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO queue_status_counts (status, n) SELECT status, count(*) FROM new_rows GROUP BY status;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO queue_status_counts (status, n) SELECT status, -count(*) FROM old_rows GROUP BY status;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO queue_status_counts (status, n)
    SELECT status, sum(d) FROM (SELECT status, 1 AS d FROM new_rows UNION ALL SELECT status, -1 FROM old_rows) c
    GROUP BY status HAVING sum(d) <> 0;
  END IF;
  -- About one statement in 16 folds: the table stays a few dozen rows long under a busy worker.
  IF random() < 0.0625 THEN
    PERFORM rotation_fold_queue_status_counts();
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION rotation_count_queue_truncate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  DELETE FROM queue_status_counts;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS processing_queue_count_insert ON processing_queue;
CREATE TRIGGER processing_queue_count_insert AFTER INSERT ON processing_queue
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rotation_count_queue_changes();
DROP TRIGGER IF EXISTS processing_queue_count_update ON processing_queue;
CREATE TRIGGER processing_queue_count_update AFTER UPDATE ON processing_queue
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rotation_count_queue_changes();
DROP TRIGGER IF EXISTS processing_queue_count_delete ON processing_queue;
CREATE TRIGGER processing_queue_count_delete AFTER DELETE ON processing_queue
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rotation_count_queue_changes();
DROP TRIGGER IF EXISTS processing_queue_count_truncate ON processing_queue;
CREATE TRIGGER processing_queue_count_truncate AFTER TRUNCATE ON processing_queue
  FOR EACH STATEMENT EXECUTE FUNCTION rotation_count_queue_truncate();

-- Count what is already there, once. Creating the triggers above locked processing_queue against writes until this
-- transaction commits, so no write is counted twice or missed.
DELETE FROM queue_status_counts;
INSERT INTO queue_status_counts (status, n) SELECT status, count(*) FROM processing_queue GROUP BY status;

-- The pane's latest failures, newest first, read from the top of an index instead of sorting every failed row (1 %
-- of a 10M-row queue is 100k rows).
CREATE INDEX IF NOT EXISTS processing_queue_failed_idx
  ON processing_queue (completed_at DESC NULLS LAST, id DESC) WHERE status = 'failed';

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_readonly') THEN
    GRANT SELECT ON queue_status_counts TO rotation_readonly;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_admin') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON queue_status_counts TO rotation_admin;
  END IF;
END $$;
