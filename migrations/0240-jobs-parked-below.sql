-- Parked steps (pending, not due for a day: their photo's drive unplugged, its bytes in iCloud, its
-- folder read-only) move below every other priority (-1, Priority.away), where the claim index
-- (state, pass, priority DESC, id, run_after) keeps them after all due work. At their own priority
-- every claim walked past them first: 200K parked steps of an unplugged archive made a claim 11 ms
-- and a continuation's claim 46 ms (0.2 ms without them). Read through jobs_waiting (run_after).
UPDATE jobs SET priority = -1
WHERE state = 'pending' AND run_after > CAST(unixepoch('subsec') * 1000 AS INTEGER)
  AND (last_error_code = 'FOLDER_READ_ONLY' OR file_id IN (SELECT id FROM files WHERE state IN ('offline', 'cloud')));

-- Parked steps by pass and due time: a claim that finds no other work, the doorbell's "anything
-- due?" and the workers' "when next?" seek here instead of walking the parked steps; status counts
-- the ones waiting for a drive or iCloud from it alone (covering: no row read, no photo looked up;
-- 36 ms at 200K through each job's photo, every 250 ms while the page is open; `priority` too,
-- for SQLite to count it covered).
CREATE INDEX IF NOT EXISTS jobs_parked ON jobs(pass, run_after, state, last_error_code, priority) WHERE priority < 0;
