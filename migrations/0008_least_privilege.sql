-- Least privilege: the group roles hold rights on the tables they use, named, never on ALL TABLES of the schema
-- (a deployed database holds tables of the web app's that Rotation has no business reading). 0003 granted on ALL
-- TABLES; that is taken back here and the rights are named instead. Where row-level security is on (hosted
-- Postgres), the roles get a policy on the tables they use; `rotation migrate --check` names what is missing when
-- the migrating user may not create one.
-- The sequence behind a table's id column, or NULL when it has none.
CREATE OR REPLACE FUNCTION rotation_id_sequence(t TEXT) RETURNS TEXT LANGUAGE sql STABLE AS $$
  SELECT pg_get_serial_sequence(t, 'id')
  WHERE EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(t) AND attname = 'id' AND NOT attisdropped)
$$;

DO $$
DECLARE
  shared_tables TEXT[] := ARRAY['track_matches', 'releases', 'processing_queue', 'store_sync_log'];
  our_tables TEXT[] := ARRAY['match_reviews', 'match_candidates', 'match_rejections', 'cache_repairs',
                             'release_review_counts', 'store_review_counts', 'discogs_release_bodies',
                             'discogs_sync_state', 'store_sync_runs', 'matcher_owned_matches', 'schema_migrations'];
  roles TEXT[] := ARRAY['rotation_readonly', 'rotation_reviewer', 'rotation_admin'];
  t TEXT;
  seq TEXT;
  r TEXT;
BEGIN
  FOREACH r IN ARRAY roles LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', r);
      EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM %I', r);
    END IF;
  END LOOP;

  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_readonly') THEN
    FOREACH t IN ARRAY shared_tables || our_tables LOOP
      EXECUTE format('GRANT SELECT ON %I TO rotation_readonly', t);
    END LOOP;
  END IF;

  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_reviewer') THEN
    GRANT INSERT, UPDATE, DELETE ON track_matches TO rotation_reviewer;
    GRANT INSERT ON match_reviews TO rotation_reviewer;
    GRANT INSERT, DELETE ON match_rejections TO rotation_reviewer;
    GRANT INSERT, UPDATE, DELETE ON cache_repairs TO rotation_reviewer;
    FOREACH t IN ARRAY ARRAY['track_matches', 'match_reviews', 'match_rejections'] LOOP
      seq := rotation_id_sequence(t);
      IF seq IS NOT NULL THEN EXECUTE format('GRANT USAGE ON SEQUENCE %s TO rotation_reviewer', seq); END IF;
    END LOOP;
  END IF;

  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_admin') THEN
    FOREACH t IN ARRAY shared_tables || our_tables || ARRAY['discogs_tokens'] LOOP
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO rotation_admin', t);
      seq := rotation_id_sequence(t);
      IF seq IS NOT NULL THEN EXECUTE format('GRANT USAGE, SELECT, UPDATE ON SEQUENCE %s TO rotation_admin', seq); END IF;
    END LOOP;
  END IF;

  -- Row-level security: a policy for our roles on each table of ours or the web app's that has it on.
  FOREACH t IN ARRAY shared_tables || our_tables || ARRAY['discogs_tokens'] LOOP
    IF EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = to_regclass(t) AND c.relrowsecurity)
       AND NOT EXISTS (SELECT 1 FROM pg_policies p WHERE p.schemaname = 'public' AND p.tablename = t
                                                    AND p.policyname = 'rotation_roles')
       AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_readonly') THEN
      BEGIN
        EXECUTE format('CREATE POLICY rotation_roles ON %I TO rotation_readonly, rotation_reviewer, rotation_admin '
                       'USING (true) WITH CHECK (true)', t);
      EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'row-level security is on for % and the migrating user cannot add a policy for Rotation''s roles', t;
      END;
    END IF;
  END LOOP;
END $$;
