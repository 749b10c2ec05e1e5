-- The tables the Rotation web app owns. Their shapes are a contract: never change a column here.
-- IF NOT EXISTS adopts tables the web app already created, with their rows.

CREATE TABLE IF NOT EXISTS track_matches (
  id SERIAL PRIMARY KEY,
  release_id BIGINT NOT NULL,
  track_index INTEGER NOT NULL,
  platform TEXT NOT NULL,
  match_url TEXT NOT NULL,
  confidence REAL NOT NULL,
  approved BOOLEAN NOT NULL DEFAULT false,
  verified_by TEXT,
  verified_at TIMESTAMPTZ DEFAULT NOW(),
  created_at TIMESTAMPTZ DEFAULT NOW(),
  updated_at TIMESTAMPTZ DEFAULT NOW(),
  UNIQUE(release_id, track_index)
);

CREATE TABLE IF NOT EXISTS discogs_tokens (
  id SERIAL PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  access_token TEXT NOT NULL,
  access_secret TEXT NOT NULL,
  refresh_token TEXT,
  token_type TEXT DEFAULT 'oauth',
  expires_at TIMESTAMPTZ,
  scope TEXT,
  created_at TIMESTAMPTZ DEFAULT NOW(),
  updated_at TIMESTAMPTZ DEFAULT NOW(),
  last_used_at TIMESTAMPTZ
);

-- Only releases that have audio matches, one row per Discogs release.
CREATE TABLE IF NOT EXISTS releases (
  id BIGSERIAL PRIMARY KEY,
  discogs_id BIGINT UNIQUE NOT NULL,
  store_username TEXT NOT NULL,
  title TEXT NOT NULL,
  artist TEXT NOT NULL,
  year INTEGER,
  label TEXT,
  catno TEXT,
  thumb TEXT,
  genres JSONB,
  styles JSONB,
  tracklist JSONB,
  images JSONB,
  discogs_uri TEXT,
  last_updated TIMESTAMPTZ DEFAULT NOW(),
  has_audio_matches BOOLEAN DEFAULT false,
  created_at TIMESTAMPTZ DEFAULT NOW()
);

CREATE TABLE IF NOT EXISTS store_sync_log (
  id SERIAL PRIMARY KEY,
  store_username TEXT NOT NULL,
  last_sync TIMESTAMPTZ DEFAULT NOW(),
  listings_processed INTEGER DEFAULT 0,
  new_releases_found INTEGER DEFAULT 0,
  audio_matches_created INTEGER DEFAULT 0
);

-- The background queue the web app fills with INSERT ... ON CONFLICT (store_username, discogs_id) DO NOTHING.
CREATE TABLE IF NOT EXISTS processing_queue (
  id BIGSERIAL PRIMARY KEY,
  store_username TEXT NOT NULL,
  discogs_id BIGINT NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued',
  priority INTEGER DEFAULT 0,
  queued_at TIMESTAMPTZ DEFAULT NOW(),
  started_at TIMESTAMPTZ,
  completed_at TIMESTAMPTZ,
  retry_count INTEGER DEFAULT 0,
  error_message TEXT,
  UNIQUE(store_username, discogs_id)
);
