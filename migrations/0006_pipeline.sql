-- The matching pipeline's own tables and indexes (additive; the web app ignores them).

-- The full GET /releases/{id} body: `releases` has no room for the videos the matcher needs, and keeping the
-- body lets a worker re-match without asking Discogs again.
CREATE TABLE IF NOT EXISTS discogs_release_bodies (
  discogs_id BIGINT PRIMARY KEY,
  body JSONB NOT NULL,
  fetched_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- Where an interrupted `rotation sync STORE` resumes: the next inventory page to fetch.
CREATE TABLE IF NOT EXISTS discogs_sync_state (
  store_username TEXT PRIMARY KEY,
  next_page INTEGER NOT NULL DEFAULT 1,
  pages INTEGER,
  listings_processed INTEGER NOT NULL DEFAULT 0,
  new_releases_found INTEGER NOT NULL DEFAULT 0,
  started_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  completed_at TIMESTAMPTZ
);

-- Queue statistics without scanning the whole table: oldest queued job, recent completions, expired leases.
CREATE INDEX IF NOT EXISTS processing_queue_queued_at_idx ON processing_queue (queued_at) WHERE status = 'queued';
CREATE INDEX IF NOT EXISTS processing_queue_completed_at_idx
  ON processing_queue (completed_at) WHERE status = 'completed';
CREATE INDEX IF NOT EXISTS processing_queue_lease_idx
  ON processing_queue (lease_expires_at) WHERE status = 'processing';
CREATE INDEX IF NOT EXISTS processing_queue_discogs_id_idx ON processing_queue (discogs_id);

-- The worker reads every rejected URL and every candidate of a release at once.
CREATE INDEX IF NOT EXISTS match_rejections_release_idx ON match_rejections (release_id, track_index);
