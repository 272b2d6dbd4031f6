-- The spine: files, the durable job queue, per-pass results and history, metadata, previews.

CREATE TABLE files (
  id            INTEGER PRIMARY KEY,
  path          TEXT NOT NULL UNIQUE,
  root          TEXT NOT NULL,              -- library root the file was found under
  ext           TEXT NOT NULL,              -- lower-case extension without the dot
  kind          TEXT NOT NULL,              -- 'raw' | 'image'
  dev           INTEGER,
  ino           INTEGER,
  size          INTEGER,
  mtime_ns      TEXT,                       -- bigint as decimal text (exceeds 2^53)
  state         TEXT NOT NULL DEFAULT 'present', -- present | gone | cloud | offline
  content_hash  TEXT,
  hash_algo     TEXT,
  scanned_sig   TEXT,                       -- "size:mtime_ns:ino" the content_hash belongs to
  sidecar_path  TEXT,
  sidecar_sig   TEXT,                       -- "size:mtime_ns" of the sidecar last read
  sidecar_hash  TEXT,
  first_seen_at INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL,
  gone_at       INTEGER
);
CREATE INDEX files_dev_ino ON files(dev, ino);
CREATE INDEX files_content_hash ON files(content_hash);
CREATE INDEX files_state ON files(state);
CREATE INDEX files_root ON files(root);

-- Latest result per (file, pass). A pass runs only when no row matches its (version, input_key).
CREATE TABLE pass_results (
  file_id      INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  pass         TEXT NOT NULL,
  version      INTEGER NOT NULL,
  input_key    TEXT NOT NULL,
  status       TEXT NOT NULL,               -- ok | failed
  output       TEXT,                        -- small JSON summary
  error_code   TEXT,
  error        TEXT,
  completed_at INTEGER NOT NULL,
  duration_ms  INTEGER,
  PRIMARY KEY (file_id, pass)
);
CREATE INDEX pass_results_pass_status ON pass_results(pass, status);

-- Every execution, for `show` and for proving that nothing ran twice.
CREATE TABLE pass_runs (
  id          INTEGER PRIMARY KEY,
  file_id     INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  pass        TEXT NOT NULL,
  version     INTEGER NOT NULL,
  input_key   TEXT NOT NULL,
  status      TEXT NOT NULL,                -- ok | failed | retry
  error_code  TEXT,
  error       TEXT,
  started_at  INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL
);
CREATE INDEX pass_runs_file ON pass_runs(file_id, id);
CREATE INDEX pass_runs_started ON pass_runs(started_at);

-- The durable queue: one job per (file, pass, input key), never duplicated.
CREATE TABLE jobs (
  id              INTEGER PRIMARY KEY,
  file_id         INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  pass            TEXT NOT NULL,
  input_key       TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending', -- pending | leased | dead
  priority        INTEGER NOT NULL DEFAULT 0,      -- higher first (new files before backlog)
  attempts        INTEGER NOT NULL DEFAULT 0,
  run_after       INTEGER NOT NULL DEFAULT 0,      -- epoch ms (retry backoff)
  lease_until     INTEGER,
  lease_owner     TEXT,
  last_error_code TEXT,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (file_id, pass, input_key)
);
CREATE INDEX jobs_claim ON jobs(state, priority DESC, id);
CREATE INDEX jobs_pass_state ON jobs(pass, state);

CREATE TABLE metadata (
  file_id        INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
  file_type      TEXT,
  mime           TEXT,
  captured_at    TEXT,                       -- local wall time as written by the camera (ISO)
  capture_offset TEXT,                       -- +02:00 when known
  captured_ts    INTEGER,                    -- epoch ms (UTC when the offset is known)
  make           TEXT,
  model          TEXT,
  lens           TEXT,
  exposure_time  TEXT,
  f_number       REAL,
  iso            INTEGER,
  focal_length   REAL,
  width          INTEGER,                    -- stored (un-rotated) image size
  height         INTEGER,
  orientation    INTEGER,
  gps_lat        REAL,
  gps_lon        REAL,
  gps_alt        REAL,
  rating         INTEGER,
  label          TEXT,
  title          TEXT,
  keywords       TEXT NOT NULL DEFAULT '[]', -- JSON: dc:subject / IPTC keywords (file + sidecar)
  hierarchical   TEXT NOT NULL DEFAULT '[]', -- JSON: lr:hierarchicalSubject
  people         TEXT NOT NULL DEFAULT '[]', -- JSON: PersonInImage and named regions
  regions        TEXT NOT NULL DEFAULT '[]', -- JSON: MWG face regions as read [{name,type,x,y,w,h}] centre+size, stored orientation
  applied_w      INTEGER,                    -- the regions' AppliedToDimensions
  applied_h      INTEGER,
  warnings       TEXT NOT NULL DEFAULT '[]',
  read_at        INTEGER NOT NULL
);
CREATE INDEX metadata_captured ON metadata(captured_ts);
CREATE INDEX metadata_camera ON metadata(make, model);

CREATE TABLE previews (
  file_id      INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
  preview_hash TEXT NOT NULL,               -- hash of the upright pixels: keys every ML pass
  source       TEXT NOT NULL,               -- JpgFromRaw | PreviewImage | ThumbnailImage | file | sips | heif-convert ...
  width        INTEGER NOT NULL,            -- upright preview size
  height       INTEGER NOT NULL,
  bytes        INTEGER NOT NULL,
  path         TEXT NOT NULL,               -- relative to the cache folder
  thumb_path   TEXT NOT NULL,
  orientation  INTEGER,                     -- EXIF orientation that was applied
  made_at      INTEGER NOT NULL
);
CREATE INDEX previews_hash ON previews(preview_hash);

-- Small key/value state (pause flag, last reconcile, ...).
CREATE TABLE kv (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
