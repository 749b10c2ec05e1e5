-- Rotation's own, additive schema: the web app ignores these tables and columns.

-- The append-only decision log: who did what to which track, with the row and cache value before and after.
CREATE TABLE IF NOT EXISTS match_reviews (
  id BIGSERIAL PRIMARY KEY,
  reviewer TEXT NOT NULL,
  action TEXT NOT NULL,
  release_id BIGINT,
  track_index INTEGER,
  store_username TEXT,
  row_before JSONB,
  row_after JSONB,
  cache_before JSONB,
  cache_after JSONB,
  undoes BIGINT REFERENCES match_reviews(id),
  note TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX IF NOT EXISTS match_reviews_reviewer_idx ON match_reviews (reviewer, id DESC);
CREATE INDEX IF NOT EXISTS match_reviews_track_idx ON match_reviews (release_id, track_index, id DESC);
CREATE UNIQUE INDEX IF NOT EXISTS match_reviews_undoes_idx ON match_reviews (undoes) WHERE undoes IS NOT NULL;

CREATE OR REPLACE FUNCTION rotation_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'match_reviews is append-only' USING ERRCODE = 'P0001';
END $$;
DROP TRIGGER IF EXISTS match_reviews_append_only ON match_reviews;
CREATE TRIGGER match_reviews_append_only BEFORE UPDATE OR DELETE ON match_reviews
  FOR EACH ROW EXECUTE FUNCTION rotation_refuse_change();

-- Every candidate the matcher considered, with its score breakdown.
CREATE TABLE IF NOT EXISTS match_candidates (
  id BIGSERIAL PRIMARY KEY,
  release_id BIGINT NOT NULL,
  track_index INTEGER NOT NULL,
  platform TEXT NOT NULL,
  match_url TEXT NOT NULL,
  title TEXT,
  confidence REAL NOT NULL,
  evidence JSONB NOT NULL DEFAULT '{}'::jsonb,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  UNIQUE(release_id, track_index, match_url)
);

-- URLs a reviewer rejected for a track: never proposed for that track again.
CREATE TABLE IF NOT EXISTS match_rejections (
  id BIGSERIAL PRIMARY KEY,
  release_id BIGINT NOT NULL,
  track_index INTEGER NOT NULL,
  match_url TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  UNIQUE(release_id, track_index, match_url)
);

-- Leases and retries for our workers, added beside the web app's columns.
ALTER TABLE processing_queue ADD COLUMN IF NOT EXISTS leased_by TEXT;
ALTER TABLE processing_queue ADD COLUMN IF NOT EXISTS lease_expires_at TIMESTAMPTZ;
ALTER TABLE processing_queue ADD COLUMN IF NOT EXISTS next_attempt_at TIMESTAMPTZ;

-- Indexes the console and the workers need.
CREATE INDEX IF NOT EXISTS track_matches_pending_idx
  ON track_matches (release_id, track_index) WHERE approved = false;
CREATE INDEX IF NOT EXISTS track_matches_pending_confidence_idx
  ON track_matches (confidence, release_id, track_index) WHERE approved = false;
CREATE INDEX IF NOT EXISTS releases_store_idx ON releases (store_username, discogs_id);
CREATE INDEX IF NOT EXISTS processing_queue_claim_idx
  ON processing_queue (priority DESC, queued_at, id) WHERE status = 'queued';
CREATE INDEX IF NOT EXISTS processing_queue_status_idx ON processing_queue (status);
CREATE INDEX IF NOT EXISTS store_sync_log_store_idx ON store_sync_log (store_username, last_sync DESC);

-- Every change of track_matches or processing_queue, whoever made it (the web app too), is announced on
-- the channel rotation_changes with a small JSON payload.
CREATE OR REPLACE FUNCTION rotation_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r RECORD;
  payload TEXT;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  IF TG_TABLE_NAME = 'track_matches' THEN
    payload := json_build_object('table', TG_TABLE_NAME, 'release_id', r.release_id,
                                 'track_index', r.track_index, 'operation', TG_OP)::text;
  ELSE
    payload := json_build_object('table', TG_TABLE_NAME, 'release_id', r.discogs_id,
                                 'track_index', NULL, 'operation', TG_OP)::text;
  END IF;
  PERFORM pg_notify('rotation_changes', payload);
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS track_matches_notify ON track_matches;
CREATE TRIGGER track_matches_notify AFTER INSERT OR UPDATE OR DELETE ON track_matches
  FOR EACH ROW EXECUTE FUNCTION rotation_notify_change();
DROP TRIGGER IF EXISTS processing_queue_notify ON processing_queue;
CREATE TRIGGER processing_queue_notify AFTER INSERT OR UPDATE OR DELETE ON processing_queue
  FOR EACH ROW EXECUTE FUNCTION rotation_notify_change();
