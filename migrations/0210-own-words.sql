-- A photographer's own words find their photos: the title, the caption and the place they typed
-- (Lightroom's Title, Caption, Sublocation/City/State/Country; IPTC and XMP as Photo Mechanic,
-- Capture One, Bridge and digiKam write them). The metadata pass kept the title and read the rest
-- without keeping it, so "moab" or "colorado river" found nothing in a library captioned by hand
-- and shot without GPS. The new columns are filled as the metadata pass reads each photo again
-- (its version 2; the start-up sweep queues every photo once, in the background).
ALTER TABLE metadata ADD COLUMN caption TEXT;
ALTER TABLE metadata ADD COLUMN place_location TEXT;
ALTER TABLE metadata ADD COLUMN place_city TEXT;
ALTER TABLE metadata ADD COLUMN place_state TEXT;
ALTER TABLE metadata ADD COLUMN place_country TEXT;

-- One document per photo (rowid = file id), a column per kind of words so a match says which
-- ("caption …", "title …", "place …"). unicode61 folds case, remove_diacritics 2 accents: "cafe"
-- finds "Café", "zurich" "Zürich". Kept by triggers on metadata, whatever writes it; no conflict
-- clause anywhere (see 0110): the row is deleted before it is written again.
CREATE VIRTUAL TABLE metadata_text USING fts5(title, caption, place, tokenize = 'unicode61 remove_diacritics 2');

-- The place as one line, the narrowest part first ("Delicate Arch, Moab, Utah, United States").
CREATE VIEW metadata_text_row (file_id, title, caption, place) AS
  SELECT file_id, title, caption,
         nullif(concat_ws(', ', place_location, place_city, place_state, place_country), '')
  FROM metadata;

CREATE TRIGGER metadata_text_insert AFTER INSERT ON metadata BEGIN
  DELETE FROM metadata_text WHERE rowid = new.file_id;
  INSERT INTO metadata_text (rowid, title, caption, place)
    SELECT file_id, title, caption, place FROM metadata_text_row
    WHERE file_id = new.file_id AND coalesce(title, caption, place) IS NOT NULL;
END;
CREATE TRIGGER metadata_text_update AFTER UPDATE OF title, caption, place_location, place_city, place_state, place_country, file_id ON metadata BEGIN
  DELETE FROM metadata_text WHERE rowid = old.file_id;
  DELETE FROM metadata_text WHERE rowid = new.file_id;
  INSERT INTO metadata_text (rowid, title, caption, place)
    SELECT file_id, title, caption, place FROM metadata_text_row
    WHERE file_id = new.file_id AND coalesce(title, caption, place) IS NOT NULL;
END;
CREATE TRIGGER metadata_text_delete AFTER DELETE ON metadata BEGIN
  DELETE FROM metadata_text WHERE rowid = old.file_id;
END;

-- The titles kept so far are searchable at once.
INSERT INTO metadata_text (rowid, title) SELECT file_id, title FROM metadata WHERE title IS NOT NULL;
