-- Queries per release (issue 10, item 3): for each search provider, quota day and Discogs release, the searches the
-- provider answered, the searches the search cache answered instead, and the quota units those searches were
-- charged, so that `rotation search stats` can say what searching a release costs. Written with the day's counters
-- in search_quota_days (SearchQuotaLedger); a query a person typed for no release is counted only there. Additive;
-- the web app ignores it.
CREATE TABLE IF NOT EXISTS search_release_queries (
  provider TEXT NOT NULL,
  -- The quota day, as in search_quota_days (the date in America/Los_Angeles).
  day DATE NOT NULL,
  release_id BIGINT NOT NULL,
  searches INTEGER NOT NULL DEFAULT 0 CHECK (searches >= 0),
  cache_hits INTEGER NOT NULL DEFAULT 0 CHECK (cache_hits >= 0),
  units_used INTEGER NOT NULL DEFAULT 0 CHECK (units_used >= 0),
  PRIMARY KEY (provider, day, release_id)
);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_readonly') THEN
    GRANT SELECT ON search_release_queries TO rotation_readonly;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_reviewer') THEN
    GRANT SELECT ON search_release_queries TO rotation_reviewer;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_admin') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON search_release_queries TO rotation_admin;
  END IF;
END
$$;
