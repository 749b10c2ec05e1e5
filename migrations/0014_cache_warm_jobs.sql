-- Cache warming (`rotation cache warm`): one row per run, with the keyset position it has reached, so an interrupted
-- run resumes where it stopped and the console and stdout can show its progress. Rotation's own table.
CREATE TABLE IF NOT EXISTS cache_warm_jobs (
    id BIGSERIAL PRIMARY KEY,
    -- 'all', 'store:<name>' or 'release:<id>'
    scope TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'finished', 'stopped', 'failed')),
    -- The last (release_id, track_index) whose key was handled; NULL before the first batch.
    last_release_id BIGINT,
    last_track_index INTEGER,
    total INTEGER NOT NULL DEFAULT 0,
    written INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    started_by TEXT NOT NULL DEFAULT session_user,
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS cache_warm_jobs_scope_idx ON cache_warm_jobs (scope, status);
-- At most one unfinished job per scope: two runs started at the same instant cannot both begin a job of their own.
CREATE UNIQUE INDEX IF NOT EXISTS cache_warm_jobs_one_open_idx ON cache_warm_jobs (scope) WHERE status <> 'finished';

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_readonly') THEN
    GRANT SELECT ON cache_warm_jobs TO rotation_readonly;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_admin') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON cache_warm_jobs TO rotation_admin;
    GRANT USAGE, SELECT, UPDATE ON SEQUENCE cache_warm_jobs_id_seq TO rotation_admin;
  END IF;
END $$;
