-- XMP writeback: where rawlight writes for each file, which values it wrote (merge, never clobber),
-- the review queue, and the journal of its own writes (so the watcher ignores them).

-- One row per file rawlight has planned or written XMP for.
CREATE TABLE xmp_state (
  file_id         INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
  target          TEXT NOT NULL,              -- absolute path of the sidecar, or of the file itself (embedded)
  target_kind     TEXT NOT NULL,              -- sidecar | embedded
  status          TEXT NOT NULL,              -- ok | pending (review) | failed
  last_written_at INTEGER,                    -- epoch ms of the last write that changed the target
  error_code      TEXT,
  error           TEXT,
  pending         TEXT,                       -- JSON plan awaiting `rawlight writeback` (review mode)
  spotlight       TEXT,                       -- JSON: keywords and Finder tags last set as xattrs
  updated_at      INTEGER NOT NULL
);
CREATE INDEX xmp_state_status ON xmp_state(status);

-- Per file and field, the values rawlight wrote (written), the ones a user deleted after rawlight
-- wrote them (user-removed: never put back), and conflicts (the file holds another value).
CREATE TABLE xmp_values (
  file_id    INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  field      TEXT NOT NULL,                   -- subject | hierarchical | person | region | city | state | country | countryCode | location
  value      TEXT NOT NULL,                   -- exact text written (regions: JSON of name + area strings)
  status     TEXT NOT NULL,                   -- written | user-removed | conflict
  file_value TEXT,                            -- conflict: what the file holds instead
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (file_id, field, value)
);
CREATE INDEX xmp_values_status ON xmp_values(status);

-- Own-write journal: one row per path rawlight writes. 'writing' is recorded before the write,
-- 'written' with the resulting size/mtime/hash after it. The watcher asks isOwnWrite().
CREATE TABLE xmp_journal (
  path         TEXT PRIMARY KEY,
  file_id      INTEGER,
  phase        TEXT NOT NULL,                 -- writing | written
  pre_size     INTEGER,
  pre_mtime_ns TEXT,
  size         INTEGER,
  mtime_ns     TEXT,                          -- bigint as decimal text
  sha256       TEXT,
  started_at   INTEGER NOT NULL,
  finished_at  INTEGER
);
