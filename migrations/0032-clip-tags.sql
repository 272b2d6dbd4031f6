-- CLIP image embeddings, zero-shot/classifier tags and the text-embedding cache (search).

-- Machine and user tags per file. The tags pass replaces its own rows (sources 'clip', 'classifier').
CREATE TABLE tags (
  file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  label   TEXT NOT NULL,
  score   REAL NOT NULL,
  source  TEXT NOT NULL,                  -- 'clip' | 'classifier' (others may add 'user')
  model   TEXT,                           -- model id that produced it
  PRIMARY KEY (file_id, label)
);
CREATE INDEX tags_label ON tags(label COLLATE NOCASE);

-- One "space" per CLIP model id: embeddings of different models are not comparable, so each gets
-- its own sqlite-vec tables clip_vec_<id> (float, cosine) and clip_bit_<id> (1 bit per dimension,
-- for coarse search on big libraries). Those are created at run time because the dimension is only
-- known from the model; their rows are removed through triggers on clip_embeddings.
CREATE TABLE clip_spaces (
  id         INTEGER PRIMARY KEY,
  model_id   TEXT NOT NULL UNIQUE,
  dim        INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE clip_embeddings (
  file_id      INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  space_id     INTEGER NOT NULL REFERENCES clip_spaces(id) ON DELETE CASCADE,
  preview_hash TEXT NOT NULL,             -- the preview the embedding was computed from
  made_at      INTEGER NOT NULL,
  PRIMARY KEY (file_id, space_id)
);
CREATE INDEX clip_embeddings_space ON clip_embeddings(space_id);

-- Text embeddings of the zero-shot vocabulary, computed once per (model, vocabulary version).
CREATE TABLE clip_text_cache (
  model_id      TEXT NOT NULL,
  vocab_version TEXT NOT NULL,
  label         TEXT NOT NULL,
  embedding     BLOB NOT NULL,            -- float32 little-endian, L2-normalised
  PRIMARY KEY (model_id, vocab_version, label)
);
