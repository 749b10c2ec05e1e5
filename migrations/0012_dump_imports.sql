-- Where an interrupted `rotation import dump FILE` resumes (additive; the web app ignores it). One row per dump file,
-- found again by its fingerprint (size and a hash of its first MiB). Each batch of release bodies is committed in
-- the same transaction as this row, so after a crash the row says exactly which releases are stored.
CREATE TABLE IF NOT EXISTS discogs_dump_imports (
  fingerprint TEXT PRIMARY KEY,
  file_name TEXT NOT NULL,
  -- `--all`: every release of the dump was kept, not only those a store lists or the queue holds.
  keep_all BOOLEAN NOT NULL,
  -- Offset in the uncompressed XML just after the last release handled (kept, passed over or failed).
  resume_offset BIGINT NOT NULL DEFAULT 0,
  -- Compressed bytes read up to that point, for the progress bar of a resumed run.
  compressed_offset BIGINT NOT NULL DEFAULT 0,
  releases_seen BIGINT NOT NULL DEFAULT 0,
  -- Bodies this import stored, and kept releases that already had one (never replaced: see the README).
  releases_kept BIGINT NOT NULL DEFAULT 0,
  releases_already_stored BIGINT NOT NULL DEFAULT 0,
  releases_failed BIGINT NOT NULL DEFAULT 0,
  last_release_id BIGINT,
  -- The releases that could not be stored (`[{"release_id": .., "reason": ..}]`), the first 1,000.
  failures JSONB NOT NULL DEFAULT '[]',
  started_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  completed_at TIMESTAMPTZ
);

-- Importing is pipeline work (rotation_admin, as the other importers); readers may see how far it got.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_readonly') THEN
    GRANT SELECT ON discogs_dump_imports TO rotation_readonly;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rotation_admin') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON discogs_dump_imports TO rotation_admin;
  END IF;
END $$;
