-- The pending list filtered by store, at the cost of an unfiltered page at any size: a side table holds each
-- pending match's store and confidence, kept by triggers, and its index walks one store's pending rows in the
-- list's order (50 index entries for a page, instead of every pending row of every store until 50 are the
-- store's). track_matches, the web app's table, is left as it is: no column, no change to what it reads or writes.
--
-- A row here for each track_matches row with approved = false whose release has a releases row; store_username is
-- that row's (as release_review_counts holds it, migration 0005). The triggers below are named to fire after
-- 0005's on the same event (triggers fire in name order), so a match and its release written at the same time by
-- two transactions meet on release_review_counts' row lock: the second waits for the first, then reads what it
-- committed (READ COMMITTED, the default, takes a new snapshot for each statement).

CREATE TABLE IF NOT EXISTS pending_match_stores (
  release_id BIGINT NOT NULL,     -- track_matches.release_id (the Discogs release id)
  track_index INTEGER NOT NULL,
  store_username TEXT NOT NULL,   -- releases.store_username of that release
  confidence REAL NOT NULL        -- track_matches.confidence, the list's order
);   -- keyed by (release_id, track_index): the primary key is added after the first fill, below

-- Matches inserted or deleted, per statement (a COPY pays once). Only the branch for this event is planned, so
-- each names only the transition table it has.
CREATE OR REPLACE FUNCTION rotation_pending_stores_match_changes() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO pending_match_stores AS p (release_id, track_index, store_username, confidence)
    SELECT n.release_id, n.track_index, c.store_username, n.confidence
    FROM new_rows n JOIN release_review_counts c ON c.release_id = n.release_id
    WHERE n.approved = false AND c.store_username IS NOT NULL
    ON CONFLICT (release_id, track_index) DO UPDATE
      SET store_username = EXCLUDED.store_username, confidence = EXCLUDED.confidence;
  ELSIF TG_OP = 'DELETE' THEN
    DELETE FROM pending_match_stores p USING old_rows o
    WHERE p.release_id = o.release_id AND p.track_index = o.track_index;
  ELSIF TG_OP = 'TRUNCATE' THEN
    DELETE FROM pending_match_stores;
  END IF;
  RETURN NULL;
END $$;

-- A review (or a new score) changes one row: a row trigger that fires only when the approval, the confidence or
-- the key changes. The release's counters row is read FOR SHARE, so that a release row arriving at the same time
-- waits for this transaction (0005's trigger updates that row) and then sees the new confidence.
CREATE OR REPLACE FUNCTION rotation_pending_stores_match_update() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  store TEXT;
BEGIN
  DELETE FROM pending_match_stores WHERE release_id = OLD.release_id AND track_index = OLD.track_index;
  IF NEW.approved = false THEN
    SELECT c.store_username INTO store FROM release_review_counts c WHERE c.release_id = NEW.release_id FOR SHARE;
    IF store IS NOT NULL THEN
      INSERT INTO pending_match_stores AS p (release_id, track_index, store_username, confidence)
      VALUES (NEW.release_id, NEW.track_index, store, NEW.confidence)
      ON CONFLICT (release_id, track_index) DO UPDATE
        SET store_username = EXCLUDED.store_username, confidence = EXCLUDED.confidence;
    END IF;
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS track_matches_store_pages_insert ON track_matches;
CREATE TRIGGER track_matches_store_pages_insert AFTER INSERT ON track_matches
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rotation_pending_stores_match_changes();
DROP TRIGGER IF EXISTS track_matches_store_pages_update ON track_matches;
CREATE TRIGGER track_matches_store_pages_update
  AFTER UPDATE OF approved, confidence, release_id, track_index ON track_matches FOR EACH ROW
  WHEN (OLD.approved IS DISTINCT FROM NEW.approved OR OLD.confidence IS DISTINCT FROM NEW.confidence
        OR OLD.release_id IS DISTINCT FROM NEW.release_id OR OLD.track_index IS DISTINCT FROM NEW.track_index)
  EXECUTE FUNCTION rotation_pending_stores_match_update();
DROP TRIGGER IF EXISTS track_matches_store_pages_delete ON track_matches;
CREATE TRIGGER track_matches_store_pages_delete AFTER DELETE ON track_matches
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rotation_pending_stores_match_changes();
DROP TRIGGER IF EXISTS track_matches_store_pages_truncate ON track_matches;
CREATE TRIGGER track_matches_store_pages_truncate AFTER TRUNCATE ON track_matches
  FOR EACH STATEMENT EXECUTE FUNCTION rotation_pending_stores_match_changes();

-- A release row arriving or leaving, per statement; moving store or changing its id, per row.
CREATE OR REPLACE FUNCTION rotation_pending_stores_release_changes() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO pending_match_stores AS p (release_id, track_index, store_username, confidence)
    SELECT m.release_id, m.track_index, n.store_username, m.confidence
    FROM new_rows n JOIN track_matches m ON m.release_id = n.discogs_id
    WHERE m.approved = false AND n.store_username IS NOT NULL
    ON CONFLICT (release_id, track_index) DO UPDATE
      SET store_username = EXCLUDED.store_username, confidence = EXCLUDED.confidence;
  ELSIF TG_OP = 'DELETE' THEN
    DELETE FROM pending_match_stores p USING old_rows o WHERE p.release_id = o.discogs_id;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION rotation_pending_stores_release_update() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  DELETE FROM pending_match_stores WHERE release_id = OLD.discogs_id;
  IF NEW.store_username IS NOT NULL THEN
    INSERT INTO pending_match_stores AS p (release_id, track_index, store_username, confidence)
    SELECT m.release_id, m.track_index, NEW.store_username, m.confidence
    FROM track_matches m WHERE m.release_id = NEW.discogs_id AND m.approved = false
    ON CONFLICT (release_id, track_index) DO UPDATE
      SET store_username = EXCLUDED.store_username, confidence = EXCLUDED.confidence;
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS releases_store_pages_insert ON releases;
CREATE TRIGGER releases_store_pages_insert AFTER INSERT ON releases
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rotation_pending_stores_release_changes();
DROP TRIGGER IF EXISTS releases_store_pages_update ON releases;
CREATE TRIGGER releases_store_pages_update AFTER UPDATE OF discogs_id, store_username ON releases FOR EACH ROW
  WHEN (OLD.discogs_id IS DISTINCT FROM NEW.discogs_id OR OLD.store_username IS DISTINCT FROM NEW.store_username)
  EXECUTE FUNCTION rotation_pending_stores_release_update();
DROP TRIGGER IF EXISTS releases_store_pages_delete ON releases;
CREATE TRIGGER releases_store_pages_delete AFTER DELETE ON releases
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rotation_pending_stores_release_changes();

-- Adopt what is already there, once, in one statement (a hash join of the pending rows with the releases'
-- counters), then build the keys: both indexes sorted once after the load, about six times faster than keeping
-- the primary key row by row (0.26 s against 1.5 s for 114k pending rows). Creating the triggers above locked both
-- tables against writes until this transaction commits, so no write is missed or counted twice, and none fires
-- the triggers (whose ON CONFLICT needs the key) before the key exists.
DELETE FROM pending_match_stores;
INSERT INTO pending_match_stores (release_id, track_index, store_username, confidence)
SELECT m.release_id, m.track_index, c.store_username, m.confidence
FROM track_matches m JOIN release_review_counts c ON c.release_id = m.release_id
WHERE m.approved = false AND c.store_username IS NOT NULL;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'pending_match_stores'::regclass AND contype = 'p') THEN
    ALTER TABLE pending_match_stores ADD PRIMARY KEY (release_id, track_index);
  END IF;
END $$;
CREATE INDEX IF NOT EXISTS pending_match_stores_page_idx
  ON pending_match_stores (store_username, confidence, release_id, track_index);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_readonly') THEN
    GRANT SELECT ON pending_match_stores TO rotation_readonly;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_admin') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON pending_match_stores TO rotation_admin;
  END IF;
END $$;
