-- pass_runs is bounded: the latest run of each (file, pass), runs whose (version, input key) is
-- still the current one (a second run of the same input is a bug worth seeing), and failures of the
-- last 30 days (queue.runHistoryDays; the daily prune applies the configured value). Existing
-- databases are pruned here once; from now on the pipeline and the prune job keep it so.
DELETE FROM pass_runs
WHERE id NOT IN (SELECT max(id) FROM pass_runs GROUP BY file_id, pass)
  AND NOT EXISTS (SELECT 1 FROM pass_results r
                  WHERE r.file_id = pass_runs.file_id AND r.pass = pass_runs.pass
                    AND r.version = pass_runs.version AND r.input_key = pass_runs.input_key AND pass_runs.status = 'ok')
  AND (status = 'ok' OR started_at < (unixepoch() - 30 * 86400) * 1000);

-- The claim picks the best pending job of each pass of a pool through this index (one short range
-- per pass, never walking past the other pool's jobs); run_after rides along so a job in backoff
-- is skipped without reading its row.
DROP INDEX jobs_claim;
CREATE INDEX jobs_claim ON jobs(state, pass, priority DESC, id, run_after);
