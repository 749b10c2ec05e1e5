-- The match service's own bookkeeping, additive to the web app's schema.

-- A review action sends a client-generated id with its log row, so that after a connection lost mid-commit the
-- service can re-read whether the action committed before it tells the reviewer anything.
ALTER TABLE match_reviews ADD COLUMN IF NOT EXISTS request_id UUID;
CREATE UNIQUE INDEX IF NOT EXISTS match_reviews_request_idx ON match_reviews (request_id) WHERE request_id IS NOT NULL;

-- Cache keys whose write-through failed (Redis down) after the database change committed. Persisted, so a
-- restarted console still repairs them once Redis is back; one row per key.
CREATE TABLE IF NOT EXISTS cache_repairs (
  release_id BIGINT NOT NULL,
  track_index INTEGER NOT NULL,
  reason TEXT,
  queued_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  PRIMARY KEY (release_id, track_index)
);
CREATE INDEX IF NOT EXISTS cache_repairs_queued_idx ON cache_repairs (queued_at);

-- The cache value the web app expects for a row (DESIGN section 2): exactly platform, match_url, confidence,
-- approved, verified_by (absent when none) and verified_at as ISO-8601 UTC with milliseconds.
CREATE OR REPLACE FUNCTION rotation_cache_value(m track_matches) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
      'platform', m.platform, 'match_url', m.match_url, 'confidence', m.confidence, 'approved', m.approved,
      'verified_at', to_char(coalesce(m.verified_at, m.updated_at, m.created_at, now()) AT TIME ZONE 'UTC',
                             'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
    || CASE WHEN m.verified_by IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('verified_by', m.verified_by) END
$$;

-- One single-track review decision: the guard, the row change and its log entry, in one call. PL/pgSQL so that
-- each session plans these statements once: planning the same logic as one big statement every time cost more
-- than executing it. Runs with the caller's privileges (read-only sessions and missing grants are refused).
-- p_guard: 'none' (act on the row as it is), 'absent' (the caller saw no row), 'at' (the caller saw p_seen).
-- passed = false: the guard failed (or a row appeared under a replace), nothing changed.
-- passed = true and review_id NULL: there was no row to act on, nothing changed.
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
                         ELSE had_row AND cur.updated_at = p_seen END;
  IF had_row THEN row_before := to_jsonb(cur); END IF;
  IF NOT passed THEN RETURN; END IF;

  IF p_action IN ('approve', 'needs_review') THEN
    IF NOT had_row THEN RETURN; END IF;
    IF p_action = 'approve' THEN
      UPDATE track_matches SET approved = true, verified_by = p_reviewer, verified_at = now(), updated_at = now()
        WHERE id = cur.id RETURNING * INTO changed;
    ELSE
      UPDATE track_matches SET approved = false, updated_at = now() WHERE id = cur.id RETURNING * INTO changed;
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

-- Undo of a reject removes the remembered rejection again; repairs are written and consumed by reviewers.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_readonly') THEN
    GRANT SELECT ON cache_repairs TO rotation_readonly;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_reviewer') THEN
    GRANT DELETE ON match_rejections TO rotation_reviewer;
    GRANT INSERT, UPDATE, DELETE ON cache_repairs TO rotation_reviewer;
    GRANT EXECUTE ON FUNCTION rotation_review_decide(BIGINT, INTEGER, TEXT, TIMESTAMPTZ, TEXT, TEXT, JSONB, UUID, TEXT, TEXT, REAL)
      TO rotation_reviewer;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_admin') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON cache_repairs TO rotation_admin;
  END IF;
END $$;
