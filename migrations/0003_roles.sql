-- Group roles (NOLOGIN) that people's login roles are granted. Creating roles needs CREATEROLE: where the
-- migrating user lacks it, the roles are left to an administrator and the grants are skipped with a notice.
DO $$
DECLARE
  role_name TEXT;
BEGIN
  FOREACH role_name IN ARRAY ARRAY['rotation_readonly', 'rotation_reviewer', 'rotation_admin'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
      EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'cannot create role %: ask an administrator', role_name;
      END;
    END IF;
  END LOOP;

  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_readonly') THEN
    GRANT USAGE ON SCHEMA public TO rotation_readonly;
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO rotation_readonly;
    REVOKE SELECT ON discogs_tokens FROM rotation_readonly;
  END IF;

  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_reviewer') THEN
    GRANT rotation_readonly TO rotation_reviewer;
    GRANT INSERT, UPDATE, DELETE ON track_matches TO rotation_reviewer;
    GRANT INSERT ON match_reviews, match_rejections TO rotation_reviewer;
    GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO rotation_reviewer;
  END IF;

  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_admin') THEN
    GRANT rotation_reviewer TO rotation_admin;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO rotation_admin;
    GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO rotation_admin;
  END IF;
END $$;
