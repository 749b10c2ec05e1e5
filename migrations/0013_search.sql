-- The search tier (issue 10): YouTube's daily quota, shared by every worker and command, and search results cached
-- by normalized query so that searching a track again costs no quota. Additive; the web app ignores both tables.

-- One row per provider and quota day. YouTube's quota day starts at midnight Pacific time, so `day` is the date in
-- America/Los_Angeles when the units were spent. Units are reserved here before a call is made, in one statement
-- that refuses to go over the budget, so concurrent workers never overspend.
CREATE TABLE IF NOT EXISTS search_quota_days (
  provider TEXT NOT NULL,
  day DATE NOT NULL,
  units_used INTEGER NOT NULL DEFAULT 0 CHECK (units_used >= 0),
  searches INTEGER NOT NULL DEFAULT 0,
  detail_calls INTEGER NOT NULL DEFAULT 0,
  cache_hits INTEGER NOT NULL DEFAULT 0,
  cache_misses INTEGER NOT NULL DEFAULT 0,
  refused INTEGER NOT NULL DEFAULT 0,
  -- Set when the provider itself said the quota is gone (its count and ours can differ): nothing more that day.
  exhausted_at TIMESTAMPTZ,
  PRIMARY KEY (provider, day)
);

-- What a search answered, by provider and normalized query: the candidates (JSON array of CandidateVideo).
CREATE TABLE IF NOT EXISTS search_results (
  provider TEXT NOT NULL,
  normalized_query TEXT NOT NULL,
  query TEXT NOT NULL,
  results JSONB NOT NULL,
  fetched_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  hits INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (provider, normalized_query)
);
CREATE INDEX IF NOT EXISTS search_results_fetched_at_idx ON search_results (fetched_at);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_readonly') THEN
    GRANT SELECT ON search_quota_days, search_results TO rotation_readonly;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_reviewer') THEN
    GRANT SELECT ON search_quota_days, search_results TO rotation_reviewer;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_admin') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON search_quota_days, search_results TO rotation_admin;
  END IF;
END
$$;
