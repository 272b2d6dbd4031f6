-- Three things the metadata pass now reads differently (metadata.pass.ts), found on ExifTool's own
-- test images and the fixtures' MANIFEST:
--  * a photo's pixel size is ExifTool's ImageSize: the first IFD of an older CR2 is a reduced
--    preview (a 350D's 3456x2304 read as 1536x1024), a RAF's an 8x8 or 160x120 JPEG;
--  * a date without a time yields to a full time of the same day (Photo Mechanic's XMP
--    DateCreated beside IPTC's DateCreated + TimeCreated read as midnight, its zone lost);
--  * a lens ExifTool could not identify ("Unknown ( )", "Unknown 18-55mm") or a camera's "----"
--    gives way to the next name, or none.
-- The photos any of these could have touched are read again, and only they, as in 0140: CR2, IIQ,
-- EIP and RAF files, times at exactly midnight with no offset, and those lens names. Their
-- metadata result goes (the row stays until the new read replaces it); the start-up sweep then
-- queues them.
DELETE FROM pass_results
 WHERE pass = 'metadata' AND status = 'ok'
   AND file_id IN (SELECT file_id FROM metadata
                    WHERE file_type IN ('CR2', 'IIQ', 'EIP', 'RAF')
                       OR (captured_at GLOB '????-??-??T00:00:00' AND capture_offset IS NULL)
                       OR lens LIKE 'unknown%' OR lens = '----');
UPDATE kv SET value = json_remove(value, '$.metadata') WHERE key = 'pipeline.sweptVersions';
