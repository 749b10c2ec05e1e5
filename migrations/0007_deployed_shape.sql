-- The web app as it is deployed (its own migrations moved its tables on from their first form). After this file a
-- database in either form has what both sides write: the web app's statements run unchanged on a database we
-- created, and ours on one it created. Everything is additive (IF NOT EXISTS, no renames, no type changes), so the
-- web app's own migrations still run over it. Columns are added with constant defaults: no table rewrite.

ALTER TABLE processing_queue ADD COLUMN IF NOT EXISTS release_data JSONB;          -- NOT NULL where it created it
ALTER TABLE processing_queue ADD COLUMN IF NOT EXISTS max_retries INTEGER DEFAULT 3;

ALTER TABLE store_sync_log ADD COLUMN IF NOT EXISTS last_discogs_check TIMESTAMPTZ DEFAULT NOW();
ALTER TABLE store_sync_log ADD COLUMN IF NOT EXISTS cached_releases_served INTEGER DEFAULT 0;
ALTER TABLE store_sync_log ADD COLUMN IF NOT EXISTS cache_hit_rate REAL DEFAULT 0.0;
ALTER TABLE store_sync_log ADD COLUMN IF NOT EXISTS processing_queue_size INTEGER DEFAULT 0;

ALTER TABLE releases ADD COLUMN IF NOT EXISTS discogs_resource_url TEXT;
ALTER TABLE releases ADD COLUMN IF NOT EXISTS price_value TEXT;
ALTER TABLE releases ADD COLUMN IF NOT EXISTS price_currency TEXT;
ALTER TABLE releases ADD COLUMN IF NOT EXISTS condition TEXT;
ALTER TABLE releases ADD COLUMN IF NOT EXISTS sleeve_condition TEXT;
ALTER TABLE releases ADD COLUMN IF NOT EXISTS comments TEXT;
ALTER TABLE releases ADD COLUMN IF NOT EXISTS audio_match_count INTEGER DEFAULT 0;

-- Each sync run of ours, kept here: the shared store_sync_log holds one cumulative row per store.
CREATE TABLE IF NOT EXISTS store_sync_runs (
  id BIGSERIAL PRIMARY KEY,
  store_username TEXT NOT NULL,
  source TEXT NOT NULL,                      -- 'sync', 'import' or 'worker'
  listings_processed INTEGER NOT NULL DEFAULT 0,
  new_releases_found INTEGER NOT NULL DEFAULT 0,
  audio_matches_created INTEGER NOT NULL DEFAULT 0,
  finished_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX IF NOT EXISTS store_sync_runs_store_idx ON store_sync_runs (store_username, finished_at DESC);

-- Where store_sync_log is still ours (a row per run), its rows become history and each store keeps one cumulative
-- row, so that the web app's ON CONFLICT (store_username) works.
DO $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM pg_index i
    WHERE i.indrelid = 'store_sync_log'::regclass AND i.indisunique AND i.indnatts = 1
      AND i.indkey[0] = (SELECT attnum FROM pg_attribute WHERE attrelid = 'store_sync_log'::regclass
                                                            AND attname = 'store_username')
  ) THEN
    LOCK TABLE store_sync_log IN SHARE ROW EXCLUSIVE MODE;
    INSERT INTO store_sync_runs (store_username, source, listings_processed, new_releases_found,
                                 audio_matches_created, finished_at)
    SELECT store_username, 'sync', coalesce(listings_processed, 0), coalesce(new_releases_found, 0),
           coalesce(audio_matches_created, 0), coalesce(last_sync, now())
    FROM store_sync_log ORDER BY id;
    UPDATE store_sync_log s SET listings_processed = t.listings, new_releases_found = t.found,
                                audio_matches_created = t.matches, last_sync = t.last_sync
    FROM (SELECT min(id) AS keep, sum(coalesce(listings_processed, 0))::integer AS listings,
                 sum(coalesce(new_releases_found, 0))::integer AS found,
                 sum(coalesce(audio_matches_created, 0))::integer AS matches, max(last_sync) AS last_sync
          FROM store_sync_log GROUP BY store_username) t
    WHERE s.id = t.keep;
    DELETE FROM store_sync_log s
    WHERE s.id <> (SELECT min(o.id) FROM store_sync_log o WHERE o.store_username = s.store_username);
    ALTER TABLE store_sync_log ADD CONSTRAINT store_sync_log_store_username_key UNIQUE (store_username);
  END IF;
END $$;
DROP INDEX IF EXISTS store_sync_log_store_idx;

-- The web app's cumulative counter function, where its migrations have not created it.
DO $$
BEGIN
  IF to_regprocedure('update_sync_stats(text, integer, integer, integer, integer)') IS NULL THEN
    CREATE FUNCTION update_sync_stats(p_store TEXT, p_listings INTEGER, p_new INTEGER, p_cached INTEGER,
                                      p_matches INTEGER) RETURNS void LANGUAGE plpgsql AS $body$
    BEGIN
      INSERT INTO store_sync_log (store_username, listings_processed, new_releases_found, cached_releases_served,
                                  audio_matches_created, last_sync)
      VALUES (p_store, p_listings, p_new, p_cached, p_matches, NOW())
      ON CONFLICT (store_username) DO UPDATE SET
        listings_processed = store_sync_log.listings_processed + EXCLUDED.listings_processed,
        new_releases_found = store_sync_log.new_releases_found + EXCLUDED.new_releases_found,
        cached_releases_served = store_sync_log.cached_releases_served + EXCLUDED.cached_releases_served,
        audio_matches_created = store_sync_log.audio_matches_created + EXCLUDED.audio_matches_created,
        last_sync = NOW();
    END $body$;
  END IF;
END $$;

-- updated_at is the review guard: every writer must move it. The web app's own trigger does that where its
-- migrations ran; elsewhere ours does (a second name, so that the web app's CREATE TRIGGER still runs over it).
CREATE OR REPLACE FUNCTION rotation_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END $$;
DO $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
    WHERE t.tgrelid = 'track_matches'::regclass AND NOT t.tgisinternal AND t.tgenabled <> 'D'
      AND p.proname IN ('update_updated_at_column', 'rotation_touch_updated_at')
  ) THEN
    CREATE TRIGGER rotation_track_matches_updated_at BEFORE UPDATE ON track_matches
      FOR EACH ROW EXECUTE FUNCTION rotation_touch_updated_at();
  END IF;
END $$;

-- Which matches the matcher owns: the row as the matcher last left it (its updated_at). A row is the matcher's to
-- rewrite only while its updated_at is still the one recorded here: any other write (a person's decision here or
-- in the web app, the web app's engine) moves updated_at and so takes the row out of the matcher's hands for good.
CREATE TABLE IF NOT EXISTS matcher_owned_matches (
  release_id BIGINT NOT NULL,
  track_index INTEGER NOT NULL,
  row_updated_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (release_id, track_index)
);
-- Rows our matcher wrote before ownership was recorded: its candidates name the URL, it (or nobody) verified the
-- row, and no decision was ever logged for the track.
INSERT INTO matcher_owned_matches (release_id, track_index, row_updated_at)
SELECT m.release_id, m.track_index, m.updated_at
FROM track_matches m
WHERE m.updated_at IS NOT NULL AND (m.verified_by IS NULL OR m.verified_by = 'rotation-matcher')
  AND EXISTS (SELECT 1 FROM match_candidates c WHERE c.release_id = m.release_id AND c.track_index = m.track_index
                                               AND c.match_url = m.match_url)
  AND NOT EXISTS (SELECT 1 FROM match_reviews r WHERE r.release_id = m.release_id AND r.track_index = m.track_index)
ON CONFLICT DO NOTHING;

-- One single-track review decision (see 0004). Changed: a row whose updated_at is NULL fails an 'at' guard (it
-- was changed by a writer that does not keep the guard, so what the reviewer saw cannot be proven current), and
-- 'normalize_confidence' rewrites a confidence stored on the 0-100 scale into [0, 1].
CREATE OR REPLACE FUNCTION rotation_review_decide(
  p_release BIGINT, p_track INTEGER, p_guard TEXT, p_seen TIMESTAMPTZ, p_reviewer TEXT, p_action TEXT,
  p_cache_before JSONB, p_request UUID, p_platform TEXT, p_url TEXT, p_confidence REAL,
  OUT passed BOOLEAN, OUT had_row BOOLEAN, OUT row_before JSONB, OUT row_after JSONB, OUT review_id BIGINT,
  OUT logged_at TIMESTAMPTZ)
LANGUAGE plpgsql AS $$
DECLARE
  cur track_matches;
  changed track_matches;
  store TEXT;
BEGIN
  SELECT * INTO cur FROM track_matches WHERE release_id = p_release AND track_index = p_track FOR UPDATE;
  had_row := FOUND;
  passed := CASE p_guard WHEN 'none' THEN true WHEN 'absent' THEN NOT had_row
                         ELSE had_row AND coalesce(cur.updated_at = p_seen, false) END;
  IF had_row THEN row_before := to_jsonb(cur); END IF;
  IF NOT passed THEN RETURN; END IF;

  IF p_action IN ('approve', 'needs_review', 'normalize_confidence') THEN
    IF NOT had_row THEN RETURN; END IF;
    IF p_action = 'approve' THEN
      UPDATE track_matches SET approved = true, verified_by = p_reviewer, verified_at = now(), updated_at = now()
        WHERE id = cur.id RETURNING * INTO changed;
    ELSIF p_action = 'needs_review' THEN
      UPDATE track_matches SET approved = false, updated_at = now() WHERE id = cur.id RETURNING * INTO changed;
    ELSE
      IF cur.confidence <= 1 THEN RETURN; END IF;
      UPDATE track_matches SET confidence = least(cur.confidence / 100, 1), updated_at = now()
        WHERE id = cur.id RETURNING * INTO changed;
    END IF;
  ELSIF p_action IN ('clear', 'reject') THEN
    IF NOT had_row THEN RETURN; END IF;
    DELETE FROM track_matches WHERE id = cur.id;
    IF p_action = 'reject' THEN
      INSERT INTO match_rejections (release_id, track_index, match_url, reviewer)
        VALUES (p_release, p_track, cur.match_url, p_reviewer) ON CONFLICT DO NOTHING;
    END IF;
  ELSIF p_action IN ('replace', 'reject_replace') THEN
    IF p_action = 'reject_replace' THEN
      IF NOT had_row THEN RETURN; END IF;
      INSERT INTO match_rejections (release_id, track_index, match_url, reviewer)
        VALUES (p_release, p_track, cur.match_url, p_reviewer) ON CONFLICT DO NOTHING;
    END IF;
    IF had_row THEN
      UPDATE track_matches SET platform = p_platform, match_url = p_url, confidence = p_confidence, approved = true,
                               verified_by = p_reviewer, verified_at = now(), updated_at = now()
        WHERE id = cur.id RETURNING * INTO changed;
    ELSE
      INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved, verified_by,
                                 verified_at, updated_at)
        VALUES (p_release, p_track, p_platform, p_url, p_confidence, true, p_reviewer, now(), now())
        ON CONFLICT (release_id, track_index) DO NOTHING RETURNING * INTO changed;
      IF changed.id IS NULL THEN
        -- A row appeared after the caller saw none: not overwritten.
        passed := false;
        RETURN;
      END IF;
    END IF;
  ELSE
    RAISE EXCEPTION 'unknown review action %', p_action USING ERRCODE = '22023';
  END IF;

  IF changed.id IS NOT NULL THEN row_after := to_jsonb(changed); END IF;
  SELECT r.store_username INTO store FROM releases r WHERE r.discogs_id = p_release;
  INSERT INTO match_reviews (reviewer, action, release_id, track_index, store_username, row_before, row_after,
                             cache_before, cache_after, request_id)
    VALUES (p_reviewer, p_action, p_release, p_track, store, row_before, row_after, p_cache_before,
            CASE WHEN changed.id IS NOT NULL THEN rotation_cache_value(changed) END, p_request)
    RETURNING id, created_at INTO review_id, logged_at;
END $$;
