-- The metadata pass now reads the colour labels darktable and digiKam write (darktable never
-- writes xmp:Label: `darktable:colorlabels`, numbers, several at once; digiKam `digiKam:ColorLabel`),
-- so "red label" finds their photos as it finds Lightroom's. Both write their sidecars by the
-- photo's whole name (IMG_1.NEF.xmp; Lightroom and Capture One IMG_1.xmp): the photos with such a
-- sidecar and no label are read again, not every photo a Lightroom library keeps a sidecar for.
-- Their metadata result goes (the row stays until the new read replaces it); the start-up sweep
-- then queues them.
DELETE FROM pass_results
 WHERE pass = 'metadata' AND status = 'ok'
   AND file_id IN (SELECT f.id FROM files f JOIN metadata m ON m.file_id = f.id
                    WHERE lower(f.sidecar_path) = lower(f.path) || '.xmp' AND m.label IS NULL);
UPDATE kv SET value = json_remove(value, '$.metadata') WHERE key = 'pipeline.sweptVersions';
