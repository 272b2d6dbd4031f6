-- Previews are now converted back to sRGB from the Display P3 that sharp works in for a 16-bit
-- image with a colour profile (render.ts, takenIntoP3): before, such a preview held P3 values read
-- as sRGB (desaturated: pure red 234,51,34). Lightroom's "Edit in" writes 16-bit ProPhoto TIFFs;
-- 10-bit AVIF and djxl's or avifdec's 16-bit PNGs went the same way. The previews that could have
-- come from such pixels are made again, once, and only they: rendered from a TIFF, PNG or AVIF file
-- itself, by djxl or avifdec, or from an embedded TIFF. Their preview result goes and the start-up
-- sweep queues them; a preview that comes out the same keeps its hash, so nothing keyed on it
-- (faces, tags, CLIP, text) runs again; one that changes is analysed afresh.
DELETE FROM pass_results
 WHERE pass = 'preview' AND status = 'ok'
   AND file_id IN (SELECT p.file_id FROM previews p JOIN metadata m ON m.file_id = p.file_id
                    WHERE (p.source = 'file' AND m.file_type IN ('TIFF', 'PNG', 'AVIF'))
                       OR p.source IN ('djxl', 'avifdec', 'PreviewTIFF', 'ThumbnailTIFF'));
UPDATE kv SET value = json_remove(value, '$.preview') WHERE key = 'pipeline.sweptVersions';
