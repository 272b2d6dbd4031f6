-- Text read in photos by the ocr pass: one row per line with its box and confidence, and a
-- full-text index over each photo's text.

CREATE TABLE ocr_lines (
  file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  seq     INTEGER NOT NULL,               -- reading order (top to bottom, left to right)
  text    TEXT NOT NULL,
  x       REAL NOT NULL,                  -- box as a fraction of the upright preview
  y       REAL NOT NULL,
  w       REAL NOT NULL,
  h       REAL NOT NULL,
  score   REAL NOT NULL,                  -- recognition confidence 0..1
  model   TEXT NOT NULL,
  PRIMARY KEY (file_id, seq)
) WITHOUT ROWID;

-- One document per photo (rowid = file id): its lines in reading order, so a phrase split over two
-- boxes ("Café" "Élysée") still matches as a phrase. unicode61 folds case; remove_diacritics 2
-- folds accents (cafe finds Café) including letters with several marks.
CREATE VIRTUAL TABLE ocr_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');

-- A file row removed (prune) takes its lines by cascade; the index row goes with this trigger.
CREATE TRIGGER ocr_fts_file_deleted AFTER DELETE ON files BEGIN
  DELETE FROM ocr_fts WHERE rowid = old.id;
END;
