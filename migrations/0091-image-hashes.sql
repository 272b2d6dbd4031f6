-- Perceptual hash of each file's upright preview (fingerprint pass): finds the same picture
-- re-encoded, resized or lightly edited (`rawlight duplicates`).
CREATE TABLE image_hashes (
  file_id      INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
  preview_hash TEXT NOT NULL,             -- the preview it was computed from
  dhash        INTEGER NOT NULL,          -- 64-bit difference hash of the grey 9x8 thumbnail, signed
  made_at      INTEGER NOT NULL
);
