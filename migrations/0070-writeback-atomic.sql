-- Crash-safe writeback: the journal also names the temp file of a sidecar write (removed at start
-- once the final sidecar is intact) and the backup of an embedded write (restored at start, verified
-- by hash, when the write never finished). What start-up recovery did is kept for `status` and the log.
ALTER TABLE xmp_journal ADD COLUMN temp_path TEXT;
ALTER TABLE xmp_journal ADD COLUMN backup_path TEXT;
ALTER TABLE xmp_journal ADD COLUMN backup_sha256 TEXT;

CREATE TABLE xmp_recoveries (
  id      INTEGER PRIMARY KEY,
  path    TEXT NOT NULL,                      -- the photo or sidecar concerned
  action  TEXT NOT NULL,                      -- restored | restore-failed | temp-removed | temp-kept
  detail  TEXT,
  at      INTEGER NOT NULL
);
CREATE INDEX xmp_recoveries_at ON xmp_recoveries(at);
