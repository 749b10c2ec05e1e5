-- Pending and unmatched counts per release and per store, kept current by triggers, so that the console's
-- store and release lists cost the same at 1M matches as at 10k (no GROUP BY over track_matches per page).
-- Inserts and deletes count per statement with transition tables (a COPY or a bulk delete pays once); a review's
-- update counts per row, only when the approval changes.

-- Playable tracks of a Discogs tracklist: entries of type heading (and index entries) are never matched.
CREATE OR REPLACE FUNCTION rotation_playable_tracks(tracklist jsonb) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN jsonb_typeof(tracklist) = 'array' THEN
    (SELECT count(*)::integer FROM jsonb_array_elements(tracklist) AS e
      WHERE coalesce(e->>'type_', 'track') NOT IN ('heading', 'index'))
  ELSE 0 END
$$;

CREATE TABLE IF NOT EXISTS release_review_counts (
  release_id BIGINT PRIMARY KEY,             -- the Discogs release id, as track_matches.release_id
  store_username TEXT,                       -- NULL while the release has no releases row
  release_created_at TIMESTAMPTZ,
  track_count INTEGER NOT NULL DEFAULT 0,    -- playable tracks in the tracklist
  matched_count INTEGER NOT NULL DEFAULT 0,  -- track_matches rows
  pending_count INTEGER NOT NULL DEFAULT 0   -- track_matches rows not approved
);
CREATE INDEX IF NOT EXISTS release_review_counts_pending_idx
  ON release_review_counts (store_username, pending_count DESC, release_id);
CREATE INDEX IF NOT EXISTS release_review_counts_age_idx
  ON release_review_counts (store_username, release_created_at, release_id);

CREATE TABLE IF NOT EXISTS store_review_counts (
  store_username TEXT PRIMARY KEY,
  release_count INTEGER NOT NULL DEFAULT 0,
  track_count INTEGER NOT NULL DEFAULT 0,
  matched_count INTEGER NOT NULL DEFAULT 0,
  pending_count INTEGER NOT NULL DEFAULT 0
);

-- Applies per-release deltas of matched and pending rows to both counters, in key order (no deadlocks between
-- two statements touching the same releases). PL/pgSQL rather than SQL so that its plans are cached.
CREATE OR REPLACE FUNCTION rotation_apply_match_deltas(ids BIGINT[], matched INTEGER[], pending INTEGER[])
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  WITH d AS (
    SELECT x.release_id, x.matched, x.pending FROM unnest(ids, matched, pending) AS x(release_id, matched, pending)
    WHERE x.matched <> 0 OR x.pending <> 0
  ), per_release AS (
    INSERT INTO release_review_counts AS c (release_id, store_username, release_created_at, track_count,
                                            matched_count, pending_count)
    SELECT d.release_id, r.store_username, r.created_at, coalesce(rotation_playable_tracks(r.tracklist), 0),
           d.matched, d.pending
    FROM d LEFT JOIN releases r ON r.discogs_id = d.release_id
    ORDER BY d.release_id
    ON CONFLICT (release_id) DO UPDATE
      SET matched_count = c.matched_count + EXCLUDED.matched_count,
          pending_count = c.pending_count + EXCLUDED.pending_count
    RETURNING 1
  )
  INSERT INTO store_review_counts AS s (store_username, matched_count, pending_count)
  SELECT r.store_username, sum(d.matched)::integer, sum(d.pending)::integer
  FROM d JOIN releases r ON r.discogs_id = d.release_id
  GROUP BY r.store_username
  ORDER BY r.store_username
  ON CONFLICT (store_username) DO UPDATE
    SET matched_count = s.matched_count + EXCLUDED.matched_count,
        pending_count = s.pending_count + EXCLUDED.pending_count;
END $$;

-- A review flips one row's approval: a row trigger that only fires when the approval (or the release) changes
-- costs two single-row updates, far less than a statement trigger with transition tables.
CREATE OR REPLACE FUNCTION rotation_count_match_update() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  delta INTEGER;
  store TEXT;
BEGIN
  IF OLD.release_id = NEW.release_id THEN
    delta := CASE WHEN NEW.approved THEN -1 ELSE 1 END;
    UPDATE release_review_counts SET pending_count = pending_count + delta
      WHERE release_id = NEW.release_id RETURNING store_username INTO store;
    IF store IS NOT NULL THEN
      UPDATE store_review_counts SET pending_count = pending_count + delta WHERE store_username = store;
    END IF;
  ELSE
    PERFORM rotation_apply_match_deltas(
      ARRAY[OLD.release_id, NEW.release_id], ARRAY[-1, 1],
      ARRAY[CASE WHEN OLD.approved THEN 0 ELSE -1 END, CASE WHEN NEW.approved THEN 0 ELSE 1 END]);
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION rotation_count_match_changes() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  ids BIGINT[];
  matched INTEGER[];
  pending INTEGER[];
BEGIN
  -- Inserts and deletes, per statement (a COPY pays once). Only the branch for this event is planned, so each
  -- names only the transition table it has.
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(x.release_id), array_agg(x.m), array_agg(x.p) INTO ids, matched, pending FROM (
      SELECT release_id, count(*)::integer AS m, (count(*) FILTER (WHERE NOT approved))::integer AS p
      FROM new_rows GROUP BY release_id) x;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(x.release_id), array_agg(x.m), array_agg(x.p) INTO ids, matched, pending FROM (
      SELECT release_id, -count(*)::integer AS m, -(count(*) FILTER (WHERE NOT approved))::integer AS p
      FROM old_rows GROUP BY release_id) x;
  END IF;
  IF ids IS NOT NULL THEN
    PERFORM rotation_apply_match_deltas(ids, matched, pending);
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS track_matches_count_insert ON track_matches;
CREATE TRIGGER track_matches_count_insert AFTER INSERT ON track_matches
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rotation_count_match_changes();
DROP TRIGGER IF EXISTS track_matches_count_update ON track_matches;
CREATE TRIGGER track_matches_count_update AFTER UPDATE OF approved, release_id ON track_matches FOR EACH ROW
  WHEN (OLD.approved IS DISTINCT FROM NEW.approved OR OLD.release_id IS DISTINCT FROM NEW.release_id)
  EXECUTE FUNCTION rotation_count_match_update();
DROP TRIGGER IF EXISTS track_matches_count_delete ON track_matches;
CREATE TRIGGER track_matches_count_delete AFTER DELETE ON track_matches
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rotation_count_match_changes();

-- A release row arriving, leaving, moving store or changing its tracklist moves its counts between stores.
-- Inserts and deletes count per statement with transition tables (a COPY of a million releases pays once); an
-- update counts per row, only when a counted column is set (transition tables can neither name columns nor pair an
-- old row with its new one when discogs_id changes).
CREATE OR REPLACE FUNCTION rotation_count_release_update() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  c release_review_counts%ROWTYPE;
  tracks INTEGER;
BEGIN
  SELECT * INTO c FROM release_review_counts WHERE release_id = OLD.discogs_id FOR UPDATE;
  IF FOUND AND c.store_username IS NOT NULL THEN
    UPDATE store_review_counts
      SET release_count = release_count - 1, track_count = track_count - c.track_count,
          matched_count = matched_count - c.matched_count, pending_count = pending_count - c.pending_count
      WHERE store_username = c.store_username;
  END IF;
  IF OLD.discogs_id <> NEW.discogs_id THEN
    UPDATE release_review_counts SET store_username = NULL, track_count = 0 WHERE release_id = OLD.discogs_id;
  END IF;
  tracks := rotation_playable_tracks(NEW.tracklist);
  INSERT INTO release_review_counts AS rc (release_id, store_username, release_created_at, track_count)
    VALUES (NEW.discogs_id, NEW.store_username, NEW.created_at, tracks)
    ON CONFLICT (release_id) DO UPDATE
      SET store_username = EXCLUDED.store_username, release_created_at = EXCLUDED.release_created_at,
          track_count = EXCLUDED.track_count
    RETURNING * INTO c;
  INSERT INTO store_review_counts AS s (store_username, release_count, track_count, matched_count, pending_count)
    VALUES (NEW.store_username, 1, c.track_count, c.matched_count, c.pending_count)
    ON CONFLICT (store_username) DO UPDATE
      SET release_count = s.release_count + 1, track_count = s.track_count + EXCLUDED.track_count,
          matched_count = s.matched_count + EXCLUDED.matched_count,
          pending_count = s.pending_count + EXCLUDED.pending_count;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION rotation_count_release_changes() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  -- Only the branch for this event is planned, so each names only the transition table it has. Both take the
  -- releases' counters before the stores' (in key order), as rotation_apply_match_deltas does.
  IF TG_OP = 'INSERT' THEN
    -- A new release takes over the counters of matches stored before it (or left by an earlier delete).
    WITH per_release AS (
      INSERT INTO release_review_counts AS rc (release_id, store_username, release_created_at, track_count)
      SELECT n.discogs_id, n.store_username, n.created_at, rotation_playable_tracks(n.tracklist)
      FROM new_rows n
      ORDER BY n.discogs_id
      ON CONFLICT (release_id) DO UPDATE
        SET store_username = EXCLUDED.store_username, release_created_at = EXCLUDED.release_created_at,
            track_count = EXCLUDED.track_count
      RETURNING rc.store_username, rc.track_count, rc.matched_count, rc.pending_count
    )
    INSERT INTO store_review_counts AS s (store_username, release_count, track_count, matched_count, pending_count)
    SELECT store_username, count(*)::integer, sum(track_count)::integer, sum(matched_count)::integer,
           sum(pending_count)::integer
    FROM per_release
    GROUP BY store_username
    ORDER BY store_username
    ON CONFLICT (store_username) DO UPDATE
      SET release_count = s.release_count + EXCLUDED.release_count, track_count = s.track_count + EXCLUDED.track_count,
          matched_count = s.matched_count + EXCLUDED.matched_count,
          pending_count = s.pending_count + EXCLUDED.pending_count;
  ELSIF TG_OP = 'DELETE' THEN
    -- Lock first, so that what the stores lose is what the releases' counters hold once they are ours; the
    -- counters stay (their matches may outlive the release) without a store.
    PERFORM 1 FROM release_review_counts WHERE release_id IN (SELECT discogs_id FROM old_rows)
      ORDER BY release_id FOR UPDATE;
    PERFORM 1 FROM store_review_counts WHERE store_username IN (
        SELECT c.store_username FROM release_review_counts c WHERE c.release_id IN (SELECT discogs_id FROM old_rows))
      ORDER BY store_username FOR UPDATE;
    UPDATE store_review_counts s
      SET release_count = s.release_count - d.releases, track_count = s.track_count - d.tracks,
          matched_count = s.matched_count - d.matched, pending_count = s.pending_count - d.pending
      FROM (SELECT c.store_username, count(*)::integer AS releases, sum(c.track_count)::integer AS tracks,
                   sum(c.matched_count)::integer AS matched, sum(c.pending_count)::integer AS pending
            FROM release_review_counts c
            WHERE c.release_id IN (SELECT discogs_id FROM old_rows) AND c.store_username IS NOT NULL
            GROUP BY c.store_username) d
      WHERE s.store_username = d.store_username;
    UPDATE release_review_counts SET store_username = NULL, track_count = 0, release_created_at = NULL
      WHERE release_id IN (SELECT discogs_id FROM old_rows);
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS releases_count_insert ON releases;
CREATE TRIGGER releases_count_insert AFTER INSERT ON releases
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rotation_count_release_changes();
DROP TRIGGER IF EXISTS releases_count_update ON releases;
CREATE TRIGGER releases_count_update AFTER UPDATE OF discogs_id, store_username, tracklist, created_at ON releases
  FOR EACH ROW EXECUTE FUNCTION rotation_count_release_update();
DROP TRIGGER IF EXISTS releases_count_delete ON releases;
CREATE TRIGGER releases_count_delete AFTER DELETE ON releases
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rotation_count_release_changes();

-- Adopt what is already there (the web app's rows), once.
INSERT INTO release_review_counts (release_id, store_username, release_created_at, track_count, matched_count, pending_count)
SELECT coalesce(r.discogs_id, m.release_id), r.store_username, r.created_at,
       coalesce(rotation_playable_tracks(r.tracklist), 0), coalesce(m.matched, 0), coalesce(m.pending, 0)
FROM releases r
FULL JOIN (SELECT release_id, count(*)::integer AS matched, (count(*) FILTER (WHERE NOT approved))::integer AS pending
           FROM track_matches GROUP BY release_id) m ON m.release_id = r.discogs_id
ON CONFLICT (release_id) DO NOTHING;

INSERT INTO store_review_counts (store_username, release_count, track_count, matched_count, pending_count)
SELECT store_username, count(*)::integer, sum(track_count)::integer, sum(matched_count)::integer, sum(pending_count)::integer
FROM release_review_counts WHERE store_username IS NOT NULL GROUP BY store_username
ON CONFLICT (store_username) DO NOTHING;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_readonly') THEN
    GRANT SELECT ON release_review_counts, store_review_counts TO rotation_readonly;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_admin') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON release_review_counts, store_review_counts TO rotation_admin;
  END IF;
END $$;
