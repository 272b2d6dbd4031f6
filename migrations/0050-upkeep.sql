-- Scheduled upkeep (src/jobs/): one row per job with its last run and next run, for `status`
-- and the page. Rewritten by the daemon; a crashed run shows as 'interrupted' at the next start.
CREATE TABLE upkeep_jobs (
  name             TEXT PRIMARY KEY,
  schedule         TEXT,                     -- cron string from config.schedule (NULL = not scheduled)
  enabled          INTEGER NOT NULL DEFAULT 1,
  running          INTEGER NOT NULL DEFAULT 0,
  last_started_at  INTEGER,                  -- epoch ms
  last_finished_at INTEGER,
  last_status      TEXT,                     -- ok | failed | interrupted
  last_result      TEXT,                     -- small JSON summary of what the run did
  last_error_code  TEXT,
  last_error       TEXT,
  last_duration_ms INTEGER,
  next_run_at      INTEGER,                  -- epoch ms, from the cron schedule
  runs             INTEGER NOT NULL DEFAULT 0,
  failures         INTEGER NOT NULL DEFAULT 0
);
