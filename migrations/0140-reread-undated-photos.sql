-- The metadata pass now dates a photo without DateTimeOriginal or CreateDate by the other tags
-- Immich reads too (the GPS fix, QuickTime's dates, DateTimeUTC, maker-note stamps: CAPTURE_TAGS
-- in metadata.pass.ts). Photos read before that with no capture time are read again, and only
-- they: their metadata result goes (the row itself stays until the new read replaces it), and the
-- start-up sweep (pipeline.ts) forgets it swept the metadata pass, so it queues the present files
-- that have no metadata result. A dated photo's result stays: nothing else in its read changed.
DELETE FROM pass_results
 WHERE pass = 'metadata' AND status = 'ok'
   AND file_id IN (SELECT file_id FROM metadata WHERE captured_at IS NULL);
UPDATE kv SET value = json_remove(value, '$.metadata') WHERE key = 'pipeline.sweptVersions';
