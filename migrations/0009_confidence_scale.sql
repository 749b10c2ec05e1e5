-- The cache value of a row (0004) with its confidence read as Rotation reads every stored confidence
-- (StoredConfidence): a value above 1 is on the web app's 0-100 scale, so 87 is 0.87. Rotation never writes a
-- cache value outside [0, 1]; with this, the decision log's cache_after says what was actually written. REAL
-- arithmetic throughout, so 0.73 stays 0.73 in the JSON (not its double widening).
CREATE OR REPLACE FUNCTION rotation_cache_value(m track_matches) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
      'platform', m.platform, 'match_url', m.match_url,
      'confidence', CASE WHEN m.confidence > 1 THEN least(m.confidence / 100::real, 1::real)
                          ELSE greatest(m.confidence, 0::real) END,
      'approved', m.approved,
      'verified_at', to_char(coalesce(m.verified_at, m.updated_at, m.created_at, now()) AT TIME ZONE 'UTC',
                             'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
    || CASE WHEN m.verified_by IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('verified_by', m.verified_by) END
$$;
