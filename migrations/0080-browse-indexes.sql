-- Issue 13: the search parser recognises lenses from the library's own list (DISTINCT lens from
-- an index, not a table scan), and the map reads photos with GPS without scanning every row.
CREATE INDEX IF NOT EXISTS metadata_lens ON metadata(lens) WHERE lens IS NOT NULL;
CREATE INDEX IF NOT EXISTS metadata_gps ON metadata(gps_lat, gps_lon) WHERE gps_lat IS NOT NULL AND gps_lon IS NOT NULL;
-- The photo browser's timeline walks capture times (ISO wall time) newest first, by position.
CREATE INDEX IF NOT EXISTS metadata_captured_at ON metadata(captured_at);
