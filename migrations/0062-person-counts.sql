-- People listing at any size: each person's face and photo counts kept by triggers in the same
-- transaction as the assignments they count, so the API's and CLI's people listings read
-- O(persons) rows instead of grouping every face_person row (1M faces) on each page.

-- How many of a person's faces are in each photo (a photo counts once however many faces).
CREATE TABLE person_files (
  person_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
  file_id   INTEGER NOT NULL,
  n         INTEGER NOT NULL,
  PRIMARY KEY (person_id, file_id)
) WITHOUT ROWID;

CREATE TABLE person_counts (
  person_id INTEGER PRIMARY KEY REFERENCES persons(id) ON DELETE CASCADE,
  faces     INTEGER NOT NULL DEFAULT 0,
  photos    INTEGER NOT NULL DEFAULT 0
);

INSERT INTO person_files (person_id, file_id, n)
  SELECT fp.person_id, fa.file_id, count(*) FROM face_person fp JOIN faces fa ON fa.id = fp.face_id GROUP BY fp.person_id, fa.file_id;
INSERT INTO person_counts (person_id, faces, photos)
  SELECT person_id, sum(n), count(*) FROM person_files GROUP BY person_id;

CREATE TRIGGER person_files_insert AFTER INSERT ON person_files BEGIN
  INSERT INTO person_counts (person_id, faces, photos) VALUES (new.person_id, new.n, 1)
    ON CONFLICT (person_id) DO UPDATE SET faces = faces + new.n, photos = photos + 1;
END;
CREATE TRIGGER person_files_update AFTER UPDATE OF n ON person_files BEGIN
  UPDATE person_counts SET faces = faces + new.n - old.n WHERE person_id = new.person_id;
END;
CREATE TRIGGER person_files_delete AFTER DELETE ON person_files BEGIN
  UPDATE person_counts SET faces = faces - old.n, photos = photos - 1 WHERE person_id = old.person_id;
END;

CREATE TRIGGER face_person_count_insert AFTER INSERT ON face_person BEGIN
  INSERT INTO person_files (person_id, file_id, n) SELECT new.person_id, file_id, 1 FROM faces WHERE id = new.face_id
    ON CONFLICT (person_id, file_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER face_person_count_delete AFTER DELETE ON face_person BEGIN
  UPDATE person_files SET n = n - 1 WHERE person_id = old.person_id AND file_id = (SELECT file_id FROM faces WHERE id = old.face_id);
  DELETE FROM person_files WHERE person_id = old.person_id AND file_id = (SELECT file_id FROM faces WHERE id = old.face_id) AND n <= 0;
END;
CREATE TRIGGER face_person_count_move AFTER UPDATE OF person_id, face_id ON face_person BEGIN
  UPDATE person_files SET n = n - 1 WHERE person_id = old.person_id AND file_id = (SELECT file_id FROM faces WHERE id = old.face_id);
  DELETE FROM person_files WHERE person_id = old.person_id AND file_id = (SELECT file_id FROM faces WHERE id = old.face_id) AND n <= 0;
  INSERT INTO person_files (person_id, file_id, n) SELECT new.person_id, file_id, 1 FROM faces WHERE id = new.face_id
    ON CONFLICT (person_id, file_id) DO UPDATE SET n = n + 1;
END;
-- A deleted face leaves its person's counts while the face (and so its photo) can still be looked
-- up; the foreign-key cascade that then removes its face_person row finds no face and changes
-- nothing. face_person itself is left alone here: people_remember_face (0040) must still see it.
CREATE TRIGGER faces_leave_person_counts BEFORE DELETE ON faces BEGIN
  UPDATE person_files SET n = n - 1
    WHERE file_id = old.file_id AND person_id = (SELECT person_id FROM face_person WHERE face_id = old.id);
  DELETE FROM person_files
    WHERE file_id = old.file_id AND person_id = (SELECT person_id FROM face_person WHERE face_id = old.id) AND n <= 0;
END;
