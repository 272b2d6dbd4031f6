-- Status at any size: counts kept by triggers in the same transaction as the rows they count, so
-- `rawlight status` and /api/status read O(passes) rows instead of joining every result to files.
-- Triggers fire whatever writes the rows (daemon, CLI, an old build, a restored backup's own
-- triggers); verifyStatusCounts (status-counts.repository.ts) rebuilds them if they ever disagree.

-- Files per state.
CREATE TABLE file_counts (
  state TEXT PRIMARY KEY,
  n     INTEGER NOT NULL
) WITHOUT ROWID;

-- Results (ok | failed) per pass, of present files only (a gone file's results are kept but not shown).
CREATE TABLE pass_result_counts (
  pass   TEXT NOT NULL,
  status TEXT NOT NULL,
  n      INTEGER NOT NULL,
  PRIMARY KEY (pass, status)
) WITHOUT ROWID;

-- Jobs per pass and state (pending | leased | dead).
CREATE TABLE job_counts (
  pass  TEXT NOT NULL,
  state TEXT NOT NULL,
  n     INTEGER NOT NULL,
  PRIMARY KEY (pass, state)
) WITHOUT ROWID;

INSERT INTO file_counts (state, n) SELECT state, count(*) FROM files GROUP BY state;
INSERT INTO pass_result_counts (pass, status, n)
  SELECT r.pass, r.status, count(*) FROM pass_results r JOIN files f ON f.id = r.file_id WHERE f.state = 'present' GROUP BY r.pass, r.status;
INSERT INTO job_counts (pass, state, n) SELECT pass, state, count(*) FROM jobs GROUP BY pass, state;

-- files ---------------------------------------------------------------------------------------
CREATE TRIGGER files_count_insert AFTER INSERT ON files BEGIN
  INSERT INTO file_counts (state, n) VALUES (new.state, 1) ON CONFLICT (state) DO UPDATE SET n = n + 1;
  INSERT INTO pass_result_counts (pass, status, n)
    SELECT pass, status, 1 FROM pass_results WHERE file_id = new.id AND new.state = 'present'
    ON CONFLICT (pass, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER files_count_state AFTER UPDATE OF state ON files WHEN old.state IS NOT new.state BEGIN
  UPDATE file_counts SET n = n - 1 WHERE state = old.state;
  INSERT INTO file_counts (state, n) VALUES (new.state, 1) ON CONFLICT (state) DO UPDATE SET n = n + 1;
  UPDATE pass_result_counts SET n = n - 1
    WHERE old.state = 'present' AND (pass, status) IN (SELECT pass, status FROM pass_results WHERE file_id = old.id);
  INSERT INTO pass_result_counts (pass, status, n)
    SELECT pass, status, 1 FROM pass_results WHERE file_id = new.id AND new.state = 'present'
    ON CONFLICT (pass, status) DO UPDATE SET n = n + 1;
END;

-- BEFORE: the cascade deletes the file's results after this, and by then the file row is gone
-- (so the pass_results trigger below no longer counts them as present).
CREATE TRIGGER files_count_delete BEFORE DELETE ON files BEGIN
  UPDATE file_counts SET n = n - 1 WHERE state = old.state;
  UPDATE pass_result_counts SET n = n - 1
    WHERE old.state = 'present' AND (pass, status) IN (SELECT pass, status FROM pass_results WHERE file_id = old.id);
END;

-- pass_results ----------------------------------------------------------------------------------
CREATE TRIGGER pass_results_count_insert AFTER INSERT ON pass_results
WHEN (SELECT state FROM files WHERE id = new.file_id) = 'present' BEGIN
  INSERT INTO pass_result_counts (pass, status, n) VALUES (new.pass, new.status, 1) ON CONFLICT (pass, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER pass_results_count_update AFTER UPDATE OF file_id, pass, status ON pass_results
WHEN old.file_id IS NOT new.file_id OR old.pass IS NOT new.pass OR old.status IS NOT new.status BEGIN
  UPDATE pass_result_counts SET n = n - 1
    WHERE pass = old.pass AND status = old.status AND (SELECT state FROM files WHERE id = old.file_id) = 'present';
  INSERT INTO pass_result_counts (pass, status, n)
    SELECT new.pass, new.status, 1 WHERE (SELECT state FROM files WHERE id = new.file_id) = 'present'
    ON CONFLICT (pass, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER pass_results_count_delete AFTER DELETE ON pass_results
WHEN (SELECT state FROM files WHERE id = old.file_id) = 'present' BEGIN
  UPDATE pass_result_counts SET n = n - 1 WHERE pass = old.pass AND status = old.status;
END;

-- jobs --------------------------------------------------------------------------------------------
CREATE TRIGGER jobs_count_insert AFTER INSERT ON jobs BEGIN
  INSERT INTO job_counts (pass, state, n) VALUES (new.pass, new.state, 1) ON CONFLICT (pass, state) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER jobs_count_update AFTER UPDATE OF pass, state ON jobs
WHEN old.pass IS NOT new.pass OR old.state IS NOT new.state BEGIN
  UPDATE job_counts SET n = n - 1 WHERE pass = old.pass AND state = old.state;
  INSERT INTO job_counts (pass, state, n) VALUES (new.pass, new.state, 1) ON CONFLICT (pass, state) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER jobs_count_delete AFTER DELETE ON jobs BEGIN
  UPDATE job_counts SET n = n - 1 WHERE pass = old.pass AND state = old.state;
END;

-- Recent failures and dead jobs come from small partial indexes instead of a walk back through
-- every successful run / every job.
CREATE INDEX pass_runs_failures ON pass_runs(id) WHERE status <> 'ok';
CREATE INDEX jobs_dead ON jobs(updated_at, id) WHERE state = 'dead';
-- Jobs waiting out a retry backoff (status "waiting", the sleeping worker's next wake-up).
CREATE INDEX jobs_waiting ON jobs(run_after) WHERE state = 'pending';
