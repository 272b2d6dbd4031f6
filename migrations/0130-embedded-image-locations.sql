-- Where a file's embedded JPEGs lie (ExifTool's JpgFromRawStart/Length, PreviewImageStart/Length,
-- OtherImageStart/Length, ThumbnailOffset/Length, with -n), recorded by the metadata pass so the
-- preview pass reads the one it needs straight from the file instead of asking ExifTool to print
-- every candidate base64-coded. One row per file, read by primary key only: a table of its own
-- (not columns of metadata) because only files with embedded JPEGs have one, and it goes stale
-- with the content it was read from (content_hash), not with the sidecar the metadata row follows.
-- A file without a row (read before this table, CR3, HEIC…) takes ExifTool's extraction as before.
CREATE TABLE embedded_locations (
  file_id       INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
  content_hash  TEXT NOT NULL,      -- the file content the offsets were read from
  jpg_start     INTEGER, jpg_length     INTEGER,   -- JpgFromRaw
  preview_start INTEGER, preview_length INTEGER,   -- PreviewImage
  other_start   INTEGER, other_length   INTEGER,   -- OtherImage
  thumb_start   INTEGER, thumb_length   INTEGER,   -- ThumbnailImage
  tiff_bytes    INTEGER               -- largest PreviewTIFF/ThumbnailTIFF in bytes (no offsets: they are rebuilt by ExifTool), NULL = none
);
