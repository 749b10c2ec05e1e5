-- An audit log that cannot be bypassed or forged. Every review decision (single-track decisions, a release's or a
-- store's clear, undo) goes through one of the functions below. They run as their owner (SECURITY DEFINER, the
-- migrating user, who may write) with a fixed search_path, and record the database login (session_user) beside the
-- reviewer label; the group roles lose their direct writes on the tables the functions cover, so a reviewer can
-- neither change a match without a log line nor write a log line of their own.
--
-- The rules:
--   * a login that is not an admin decides under its own name: the label must equal session_user (an empty label
--     means session_user); an admin (a superuser, the owner of match_reviews, a member of rotation_admin) may log
--     under another label, and db_login still says who it was;
--   * undo reverses the caller's own latest decision not yet undone (same db_login); only an admin may name another
--     reviewer, whose decisions are then found by their label, whoever logged them;
--   * a request id is idempotent: a retried call with the same id returns the first outcome and changes nothing.

-- The login that made each decision. NULL on rows logged before this migration (unknown). Any other insert, by
-- the table's owner, records its login by default.
ALTER TABLE match_reviews ADD COLUMN IF NOT EXISTS db_login TEXT;
ALTER TABLE match_reviews ALTER COLUMN db_login SET DEFAULT session_user;

-- The helpers below name every object with its schema and run inside the decision functions, whose fixed
-- search_path they inherit; their own SET clause would only cost time on every decision.

-- True when the login may act under another reviewer's name: a member of the owner of match_reviews or of
-- rotation_admin (pg_has_role counts a superuser as a member of every role). PL/pgSQL, so its plan is cached.
CREATE OR REPLACE FUNCTION rotation_login_is_admin() RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN pg_catalog.pg_has_role(session_user, (SELECT c.relowner FROM pg_catalog.pg_class c
                                               WHERE c.oid = 'public.match_reviews'::pg_catalog.regclass), 'MEMBER')
      OR coalesce(pg_catalog.pg_has_role(session_user, pg_catalog.to_regrole('rotation_admin'), 'MEMBER'), false);
END $$;

-- The label a decision is logged under: the given one (trimmed), else the login. A login that is not an admin
-- may not use another name (SQLSTATE 42501).
CREATE OR REPLACE FUNCTION rotation_review_label(p_reviewer TEXT) RETURNS TEXT
LANGUAGE plpgsql STABLE AS $$
DECLARE
  label TEXT := coalesce(nullif(pg_catalog.btrim(p_reviewer), ''), session_user::text);
BEGIN
  IF label <> session_user::text AND NOT public.rotation_login_is_admin() THEN
    RAISE EXCEPTION 'you are logged in to the database as "%": a reviewer decides under their own login, not as "%"',
                    session_user, label
      USING ERRCODE = '42501',
            HINT = 'set ROTATION_REVIEWER (or --reviewer) to your database login; only an admin may act for another reviewer';
  END IF;
  RETURN label;
END $$;

-- Claims a request id for this transaction and returns the log row it already wrote, if any (a retry), when the
-- same login wrote it; another login's id is refused. The lock makes a retry that arrives while the first call is
-- still running wait for it and then find its row, instead of acting a second time. VOLATILE: the read after the
-- lock sees what the first call committed.
CREATE OR REPLACE FUNCTION rotation_claim_request(p_request UUID) RETURNS public.match_reviews
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  logged public.match_reviews;
BEGIN
  IF p_request IS NULL THEN RETURN NULL; END IF;
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('rotation_review_request'),
                                           pg_catalog.hashtext(p_request::text));
  SELECT * INTO logged FROM public.match_reviews WHERE request_id = p_request;
  IF FOUND AND logged.db_login IS DISTINCT FROM session_user::text THEN
    RAISE EXCEPTION 'request id % belongs to another login', p_request USING ERRCODE = '42501';
  END IF;
  RETURN logged;
END $$;

-- One single-track review decision (0004, 0007), now as its owner: the guard, the row change, the rejection and
-- the log entry with db_login. Unchanged guard semantics. A request id already logged returns that outcome.
CREATE OR REPLACE FUNCTION rotation_review_decide(
  p_release BIGINT, p_track INTEGER, p_guard TEXT, p_seen TIMESTAMPTZ, p_reviewer TEXT, p_action TEXT,
  p_cache_before JSONB, p_request UUID, p_platform TEXT, p_url TEXT, p_confidence REAL,
  OUT passed BOOLEAN, OUT had_row BOOLEAN, OUT row_before JSONB, OUT row_after JSONB, OUT review_id BIGINT,
  OUT logged_at TIMESTAMPTZ)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  label TEXT := public.rotation_review_label(p_reviewer);
  logged public.match_reviews := public.rotation_claim_request(p_request);
  cur public.track_matches;
  changed public.track_matches;
  store TEXT;
BEGIN
  IF logged.id IS NOT NULL THEN
    IF logged.action <> p_action OR logged.release_id IS DISTINCT FROM p_release
       OR logged.track_index IS DISTINCT FROM p_track THEN
      RAISE EXCEPTION 'request id % was used for another decision', p_request USING ERRCODE = '22023';
    END IF;
    passed := true;
    had_row := logged.row_before IS NOT NULL;
    row_before := logged.row_before;
    row_after := logged.row_after;
    review_id := logged.id;
    logged_at := logged.created_at;
    RETURN;
  END IF;

  SELECT * INTO cur FROM public.track_matches t WHERE t.release_id = p_release AND t.track_index = p_track FOR UPDATE;
  had_row := FOUND;
  passed := CASE p_guard WHEN 'none' THEN true WHEN 'absent' THEN NOT had_row
                         ELSE had_row AND coalesce(cur.updated_at = p_seen, false) END;
  IF had_row THEN row_before := to_jsonb(cur); END IF;
  IF NOT passed THEN RETURN; END IF;

  IF p_action IN ('approve', 'needs_review', 'normalize_confidence') THEN
    IF NOT had_row THEN RETURN; END IF;
    IF p_action = 'approve' THEN
      UPDATE public.track_matches SET approved = true, verified_by = label, verified_at = now(), updated_at = now()
        WHERE id = cur.id RETURNING * INTO changed;
    ELSIF p_action = 'needs_review' THEN
      UPDATE public.track_matches SET approved = false, updated_at = now() WHERE id = cur.id RETURNING * INTO changed;
    ELSE
      IF cur.confidence <= 1 THEN RETURN; END IF;
      UPDATE public.track_matches SET confidence = least(cur.confidence / 100, 1), updated_at = now()
        WHERE id = cur.id RETURNING * INTO changed;
    END IF;
  ELSIF p_action IN ('clear', 'reject') THEN
    IF NOT had_row THEN RETURN; END IF;
    DELETE FROM public.track_matches WHERE id = cur.id;
    IF p_action = 'reject' THEN
      INSERT INTO public.match_rejections (release_id, track_index, match_url, reviewer)
        VALUES (p_release, p_track, cur.match_url, label) ON CONFLICT DO NOTHING;
    END IF;
  ELSIF p_action IN ('replace', 'reject_replace') THEN
    IF p_action = 'reject_replace' THEN
      IF NOT had_row THEN RETURN; END IF;
      INSERT INTO public.match_rejections (release_id, track_index, match_url, reviewer)
        VALUES (p_release, p_track, cur.match_url, label) ON CONFLICT DO NOTHING;
    END IF;
    IF had_row THEN
      UPDATE public.track_matches SET platform = p_platform, match_url = p_url, confidence = p_confidence,
                                      approved = true, verified_by = label, verified_at = now(), updated_at = now()
        WHERE id = cur.id RETURNING * INTO changed;
    ELSE
      INSERT INTO public.track_matches (release_id, track_index, platform, match_url, confidence, approved,
                                        verified_by, verified_at, updated_at)
        VALUES (p_release, p_track, p_platform, p_url, p_confidence, true, label, now(), now())
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
  SELECT r.store_username INTO store FROM public.releases r WHERE r.discogs_id = p_release;
  INSERT INTO public.match_reviews (reviewer, action, release_id, track_index, store_username, row_before, row_after,
                                    cache_before, cache_after, request_id, db_login)
    VALUES (label, p_action, p_release, p_track, store, row_before, row_after, p_cache_before,
            CASE WHEN changed.id IS NOT NULL THEN public.rotation_cache_value(changed) END, p_request, session_user)
    RETURNING id, created_at INTO review_id, logged_at;
END $$;

-- Deletes every match of one release ('clear_release', p_release) or of one store ('clear_store', p_store) and
-- logs the deleted rows as one decision. Returns the deleted tracks (none: nothing logged). Admins only (grant).
CREATE OR REPLACE FUNCTION rotation_review_bulk_clear(
  p_action TEXT, p_release BIGINT, p_store TEXT, p_reviewer TEXT, p_request UUID)
RETURNS TABLE (review_id BIGINT, logged_at TIMESTAMPTZ, release_id BIGINT, track_index INTEGER)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  label TEXT := public.rotation_review_label(p_reviewer);
  logged public.match_reviews := public.rotation_claim_request(p_request);
BEGIN
  IF logged.id IS NOT NULL THEN
    IF logged.action <> p_action THEN
      RAISE EXCEPTION 'request id % was used for another decision', p_request USING ERRCODE = '22023';
    END IF;
    RETURN QUERY SELECT logged.id, logged.created_at, g.release_id, g.track_index
      FROM jsonb_populate_recordset(NULL::public.track_matches, logged.row_before) g
      ORDER BY g.release_id, g.track_index;
    RETURN;
  END IF;

  IF p_action = 'clear_release' THEN
    RETURN QUERY
      WITH gone AS (
        DELETE FROM public.track_matches t WHERE t.release_id = p_release RETURNING t.*
      ), logged AS (
        INSERT INTO public.match_reviews (reviewer, action, release_id, store_username, row_before, request_id, db_login)
        SELECT label, p_action, p_release, (SELECT r.store_username FROM public.releases r WHERE r.discogs_id = p_release),
               (SELECT jsonb_agg(to_jsonb(g) ORDER BY g.release_id, g.track_index) FROM gone g), p_request, session_user
        WHERE EXISTS (SELECT 1 FROM gone)
        RETURNING id, created_at
      )
      SELECT (SELECT l.id FROM logged l), (SELECT l.created_at FROM logged l), g.release_id, g.track_index
      FROM gone g ORDER BY g.release_id, g.track_index;
  ELSIF p_action = 'clear_store' THEN
    RETURN QUERY
      WITH gone AS (
        DELETE FROM public.track_matches t
        WHERE t.release_id IN (SELECT r.discogs_id FROM public.releases r WHERE r.store_username = p_store)
        RETURNING t.*
      ), logged AS (
        INSERT INTO public.match_reviews (reviewer, action, release_id, store_username, row_before, request_id, db_login)
        SELECT label, p_action, NULL, p_store,
               (SELECT jsonb_agg(to_jsonb(g) ORDER BY g.release_id, g.track_index) FROM gone g), p_request, session_user
        WHERE EXISTS (SELECT 1 FROM gone)
        RETURNING id, created_at
      )
      SELECT (SELECT l.id FROM logged l), (SELECT l.created_at FROM logged l), g.release_id, g.track_index
      FROM gone g ORDER BY g.release_id, g.track_index;
  ELSE
    RAISE EXCEPTION 'unknown bulk action %', p_action USING ERRCODE = '22023';
  END IF;
END $$;

-- Undo: reverses the latest decision not yet undone of p_reviewer (empty: the caller), as a new logged decision.
-- A login that is not an admin undoes only what it logged itself. status: 'undone'; 'nothing' (nothing left);
-- 'conflict' (the track changed since that decision: nothing changed, row_after is the row as it is now).
-- For a release's or a store's clear, restored is the rows put back and skipped the count left out (their track
-- has a match again). replayed: the request id was already logged, this is its first outcome again.
CREATE OR REPLACE FUNCTION rotation_review_undo(
  p_reviewer TEXT, p_request UUID,
  OUT status TEXT, OUT review_id BIGINT, OUT logged_at TIMESTAMPTZ, OUT undoes BIGINT, OUT undone_action TEXT,
  OUT release_id BIGINT, OUT track_index INTEGER, OUT row_before JSONB, OUT row_after JSONB, OUT restored JSONB,
  OUT skipped INTEGER, OUT replayed BOOLEAN, OUT reviewer TEXT)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  label TEXT := public.rotation_review_label(p_reviewer);
  logged public.match_reviews := public.rotation_claim_request(p_request);
  admin BOOLEAN := public.rotation_login_is_admin();
  target public.match_reviews;
  cur public.track_matches;
  had_row BOOLEAN;
  before public.track_matches;
  expected public.track_matches;
  back public.track_matches;
  store TEXT;
BEGIN
  reviewer := label;
  replayed := logged.id IS NOT NULL;
  IF replayed THEN
    IF logged.action <> 'undo' THEN
      RAISE EXCEPTION 'request id % was used for another decision', p_request USING ERRCODE = '22023';
    END IF;
    SELECT * INTO target FROM public.match_reviews r WHERE r.id = logged.undoes;
    status := 'undone';
    review_id := logged.id; logged_at := logged.created_at; undoes := logged.undoes; undone_action := target.action;
    release_id := logged.release_id; track_index := logged.track_index; reviewer := logged.reviewer;
    IF target.action IN ('clear_release', 'clear_store') THEN
      restored := coalesce(logged.row_after, '[]'::jsonb);
      skipped := coalesce(jsonb_array_length(target.row_before), 0) - jsonb_array_length(restored);
    ELSE
      row_before := logged.row_before; row_after := logged.row_after;
    END IF;
    RETURN;
  END IF;

  SELECT * INTO target FROM public.match_reviews r
  WHERE r.reviewer = label AND r.action <> 'undo'
    AND (admin OR r.db_login = session_user::text)
    AND NOT EXISTS (SELECT 1 FROM public.match_reviews u WHERE u.undoes = r.id)
  ORDER BY r.id DESC LIMIT 1;
  IF NOT FOUND THEN
    status := 'nothing';
    RETURN;
  END IF;
  undoes := target.id;
  undone_action := target.action;
  release_id := target.release_id;
  track_index := target.track_index;

  IF target.action IN ('clear_release', 'clear_store') THEN
    -- Puts back the rows the clear deleted, except on tracks that have a match again.
    WITH back_rows AS (
      INSERT INTO public.track_matches (id, release_id, track_index, platform, match_url, confidence, approved,
                                        verified_by, verified_at, created_at, updated_at)
      SELECT g.id, g.release_id, g.track_index, g.platform, g.match_url, g.confidence, g.approved, g.verified_by,
             g.verified_at, g.created_at, now()
      FROM jsonb_populate_recordset(NULL::public.track_matches, target.row_before) g
      ON CONFLICT DO NOTHING
      RETURNING *
    )
    SELECT coalesce(jsonb_agg(to_jsonb(b) ORDER BY b.release_id, b.track_index), '[]'::jsonb) INTO restored
    FROM back_rows b;
    skipped := coalesce(jsonb_array_length(target.row_before), 0) - jsonb_array_length(restored);
    INSERT INTO public.match_reviews (reviewer, action, release_id, store_username, row_after, undoes, request_id,
                                      db_login)
      VALUES (label, 'undo', target.release_id, target.store_username,
              CASE WHEN jsonb_array_length(restored) > 0 THEN restored END, target.id, p_request, session_user)
      RETURNING id, created_at INTO review_id, logged_at;
    status := 'undone';
    RETURN;
  END IF;

  IF target.release_id IS NULL OR target.track_index IS NULL THEN
    status := 'nothing';
    RETURN;
  END IF;
  SELECT * INTO cur FROM public.track_matches t
  WHERE t.release_id = target.release_id AND t.track_index = target.track_index FOR UPDATE;
  had_row := FOUND;
  -- The track must still be as that decision left it: the same content (confidences as stored, so 87 and 0.87
  -- differ: one was normalized); its own id and timestamps may have moved (an undo restores with a new updated_at).
  IF target.row_after IS NOT NULL THEN expected := jsonb_populate_record(NULL::public.track_matches, target.row_after); END IF;
  IF had_row IS DISTINCT FROM (target.row_after IS NOT NULL)
     OR (had_row AND NOT (cur.platform = expected.platform AND cur.match_url = expected.match_url
                          AND abs(cur.confidence - expected.confidence) < 1e-6 AND cur.approved = expected.approved
                          AND cur.verified_by IS NOT DISTINCT FROM expected.verified_by
                          AND cur.verified_at IS NOT DISTINCT FROM expected.verified_at)) THEN
    status := 'conflict';
    IF had_row THEN row_after := to_jsonb(cur); END IF;
    RETURN;
  END IF;

  IF target.row_before IS NOT NULL THEN
    before := jsonb_populate_record(NULL::public.track_matches, target.row_before);
    IF had_row THEN
      UPDATE public.track_matches SET platform = before.platform, match_url = before.match_url,
                                      confidence = before.confidence,  -- as stored: undoing a normalization brings 87 back
                                      approved = before.approved, verified_by = before.verified_by,
                                      verified_at = before.verified_at, updated_at = now()
        WHERE id = cur.id RETURNING * INTO back;
    ELSE
      INSERT INTO public.track_matches AS t (id, release_id, track_index, platform, match_url, confidence, approved,
                                             verified_by, verified_at, created_at, updated_at)
        VALUES (before.id, target.release_id, target.track_index, before.platform, before.match_url,
                before.confidence, before.approved, before.verified_by, before.verified_at, before.created_at, now())
        ON CONFLICT (release_id, track_index) DO UPDATE
          SET platform = EXCLUDED.platform, match_url = EXCLUDED.match_url, confidence = EXCLUDED.confidence,
              approved = EXCLUDED.approved, verified_by = EXCLUDED.verified_by, verified_at = EXCLUDED.verified_at,
              updated_at = now()
        RETURNING * INTO back;
    END IF;
    IF target.action IN ('reject', 'reject_replace') THEN
      DELETE FROM public.match_rejections j
      WHERE j.release_id = target.release_id AND j.track_index = target.track_index AND j.match_url = before.match_url;
    END IF;
  ELSIF had_row THEN
    DELETE FROM public.track_matches WHERE id = cur.id;
  END IF;

  IF had_row THEN row_before := to_jsonb(cur); END IF;
  IF back.id IS NOT NULL THEN row_after := to_jsonb(back); END IF;
  SELECT r.store_username INTO store FROM public.releases r WHERE r.discogs_id = target.release_id;
  INSERT INTO public.match_reviews (reviewer, action, release_id, track_index, store_username, row_before, row_after,
                                    cache_after, undoes, request_id, db_login)
    VALUES (label, 'undo', target.release_id, target.track_index, store, row_before, row_after,
            CASE WHEN back.id IS NOT NULL THEN public.rotation_cache_value(back) END, target.id, p_request, session_user)
    RETURNING id, created_at INTO review_id, logged_at;
  status := 'undone';
END $$;

-- Who may call what, and the direct writes the functions replace. Functions are executable by PUBLIC unless
-- revoked: the decision functions are for the rotation roles only.
REVOKE EXECUTE ON FUNCTION rotation_review_decide(BIGINT, INTEGER, TEXT, TIMESTAMPTZ, TEXT, TEXT, JSONB, UUID, TEXT, TEXT, REAL) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION rotation_review_undo(TEXT, UUID) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION rotation_review_bulk_clear(TEXT, BIGINT, TEXT, TEXT, UUID) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION rotation_claim_request(UUID) FROM PUBLIC;

DO $$
DECLARE
  seq TEXT;
  r TEXT;
  t TEXT;
BEGIN
  -- The decision log is written by the functions only, for every group role.
  FOREACH r IN ARRAY ARRAY['rotation_reviewer', 'rotation_admin'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON match_reviews FROM %I', r);
      seq := rotation_id_sequence('match_reviews');
      IF seq IS NOT NULL THEN EXECUTE format('REVOKE USAGE, UPDATE ON SEQUENCE %s FROM %I', seq, r); END IF;
    END IF;
  END LOOP;

  -- Reviewers change matches and rejections only through the functions. Admins keep their direct writes on
  -- track_matches and match_rejections: the pipeline (worker, importers, seed) runs as rotation_admin, and its
  -- writes are not review decisions.
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_reviewer') THEN
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON track_matches, match_rejections FROM rotation_reviewer;
    FOREACH t IN ARRAY ARRAY['track_matches', 'match_rejections'] LOOP
      seq := rotation_id_sequence(t);
      IF seq IS NOT NULL THEN EXECUTE format('REVOKE USAGE ON SEQUENCE %s FROM rotation_reviewer', seq); END IF;
    END LOOP;
    GRANT EXECUTE ON FUNCTION rotation_review_decide(BIGINT, INTEGER, TEXT, TIMESTAMPTZ, TEXT, TEXT, JSONB, UUID, TEXT, TEXT, REAL)
      TO rotation_reviewer;
    GRANT EXECUTE ON FUNCTION rotation_review_undo(TEXT, UUID) TO rotation_reviewer;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_admin') THEN
    GRANT EXECUTE ON FUNCTION rotation_review_bulk_clear(TEXT, BIGINT, TEXT, TEXT, UUID) TO rotation_admin;
  END IF;

  -- Nobody but the schema's owner creates objects in public, where they could shadow what the functions use
  -- (the default since Postgres 15; older databases granted CREATE to PUBLIC). Temporary objects cannot shadow
  -- anything: the functions search pg_temp last.
  IF (SELECT pg_has_role(current_user, n.nspowner, 'MEMBER') FROM pg_namespace n WHERE n.nspname = 'public') THEN
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    FOREACH r IN ARRAY ARRAY['rotation_readonly', 'rotation_reviewer', 'rotation_admin'] LOOP
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
        EXECUTE format('REVOKE CREATE ON SCHEMA public FROM %I', r);
      END IF;
    END LOOP;
  ELSE
    RAISE NOTICE 'only the owner of schema public may revoke CREATE on it: the owner should run REVOKE CREATE ON SCHEMA public FROM PUBLIC';
  END IF;
END $$;
