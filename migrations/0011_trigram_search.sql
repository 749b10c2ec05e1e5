-- Text search on the pending list by trigram indexes (pg_trgm, from Postgres' contrib package), so that
-- `matches list --search` and the console's filter find a title, an artist or a URL fragment through an index at
-- 10M matches instead of reading every pending row. pg_trgm is a trusted extension (Postgres 13+): a migrating user
-- who may create objects in the database may create it. Where it is missing or not allowed, this says so in a
-- notice and the search still works, by a scan. The indexes are ours, beside the web app's columns; the one on URLs
-- covers only pending rows, the only ones the search reads.
DO $$
DECLARE
  trgm_schema TEXT;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    BEGIN
      CREATE EXTENSION pg_trgm;
    EXCEPTION WHEN insufficient_privilege OR undefined_file OR feature_not_supported OR invalid_schema_name THEN
      RAISE NOTICE 'pg_trgm could not be created (%): the pending list''s text search scans instead of using a '
                   'trigram index until a superuser creates the extension and the three indexes of migration 0011',
                   SQLERRM;
    END;
  END IF;
  SELECT n.nspname INTO trgm_schema
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
  IF trgm_schema IS NULL THEN
    RETURN;
  END IF;
  -- Qualified by the extension's schema: a hosted database may keep extensions outside the search path.
  EXECUTE format('CREATE INDEX IF NOT EXISTS releases_title_trgm_idx ON releases USING gin (title %I.gin_trgm_ops)',
                 trgm_schema);
  EXECUTE format('CREATE INDEX IF NOT EXISTS releases_artist_trgm_idx ON releases USING gin (artist %I.gin_trgm_ops)',
                 trgm_schema);
  EXECUTE format('CREATE INDEX IF NOT EXISTS track_matches_url_trgm_idx ON track_matches '
                 'USING gin (match_url %I.gin_trgm_ops) WHERE approved = false', trgm_schema);
END $$;
