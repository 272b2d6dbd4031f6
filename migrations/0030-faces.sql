-- Faces found by the faces pass: one row per face per file, boxes normalised 0..1.
CREATE TABLE faces (
  id           INTEGER PRIMARY KEY,
  file_id      INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  preview_hash TEXT NOT NULL,               -- the upright preview the face was found in
  idx          INTEGER NOT NULL,            -- order within the file (by detector score)
  box_x        REAL,                        -- top-left + size on the UPRIGHT preview
  box_y        REAL,
  box_w        REAL,
  box_h        REAL,
  stored_x     REAL,                        -- same box in STORED-image orientation (MWG regions)
  stored_y     REAL,
  stored_w     REAL,
  stored_h     REAL,
  landmarks    TEXT,                        -- JSON [x0,y0,...,x4,y4], normalised upright
  score        REAL,
  detector     TEXT,                        -- manifest model ids
  embedder     TEXT,
  embedding    BLOB,                        -- float32 little-endian, L2-normalised
  crop_path    TEXT,                        -- relative to the cache folder
  created_at   INTEGER,
  UNIQUE (file_id, idx)
);
CREATE INDEX faces_embedder ON faces(embedder);
CREATE INDEX faces_preview_hash ON faces(preview_hash);

-- Nearest-neighbour search (sqlite-vec, exact). 512 wide: 128-d embeddings are zero-padded, which
-- keeps cosine distances unchanged. Always filter on embedder: vectors of two models never compare.
CREATE VIRTUAL TABLE face_vectors USING vec0(
  face_id   INTEGER PRIMARY KEY,
  embedder  TEXT,
  embedding float[512] distance_metric=cosine
);

-- vec0 tables have no foreign keys: keep them in step with faces (also on cascades from files).
CREATE TRIGGER faces_vectors_delete AFTER DELETE ON faces BEGIN
  DELETE FROM face_vectors WHERE face_id = OLD.id;
END;
