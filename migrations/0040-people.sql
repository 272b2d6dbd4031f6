-- People: faces grouped into persons, named once, remembered forever.
-- Faces (0030) are facts from the detector; everything here is a decision about them, either the
-- grouping job's (source auto/cluster, unconfirmed) or the user's (user/import, confirmed).

-- A person, or an unnamed group when name IS NULL. Ids are never reused or renumbered.
CREATE TABLE persons (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  name             TEXT,                   -- NULL = unnamed group
  ignored          INTEGER NOT NULL DEFAULT 0, -- "ignore this person": kept out of names and suggestions
  representative_face_id INTEGER,          -- the member closest to the person's mean embedding
  embedder         TEXT,                   -- model the running sum below belongs to
  embedding_sum    BLOB,                   -- float32 LE sum of member embeddings (mean similarity = dot/n)
  face_count       INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
-- Naming joins a person by name, so a name belongs to one person (case-insensitive).
CREATE UNIQUE INDEX persons_name ON persons(name COLLATE NOCASE) WHERE name IS NOT NULL;

CREATE TABLE face_person (
  face_id     INTEGER PRIMARY KEY REFERENCES faces(id) ON DELETE CASCADE,
  person_id   INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
  source      TEXT NOT NULL,               -- auto | cluster | user | import
  confirmed   INTEGER NOT NULL DEFAULT 0,  -- 1 = a person decided (never moved by the grouping job)
  similarity  REAL,                        -- mean similarity to the person when attached automatically
  assigned_at INTEGER NOT NULL
);
CREATE INDEX face_person_person ON face_person(person_id);

-- "Never suggest this face for this person again" (a face the user removed or moved away).
CREATE TABLE face_rejections (
  face_id    INTEGER NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
  person_id  INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (face_id, person_id)
);
CREATE INDEX face_rejections_person ON face_rejections(person_id);

-- Faces the user marked as not a face: out of every group, list and suggestion.
CREATE TABLE face_flags (
  face_id    INTEGER PRIMARY KEY REFERENCES faces(id) ON DELETE CASCADE,
  flag       TEXT NOT NULL,                -- not_face
  created_at INTEGER NOT NULL
);

-- Every user action with its payload and the rows it replaced, so `undo` can restore them and
-- the history can be audited. Undone actions stay, marked.
CREATE TABLE person_actions (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  kind       TEXT NOT NULL,                -- name | rename | merge | remove_face | move_face | ignore | not_face | undo
  payload    TEXT NOT NULL,                -- JSON: the action's arguments and outcome
  before     TEXT NOT NULL,                -- JSON snapshot of the persons / face rows it touched
  undone_at  INTEGER,
  created_at INTEGER NOT NULL
);

-- The faces pass replaces a photo's face rows when it runs again (new preview, new model), which
-- would drop every decision about them through the cascades. Before a face row goes, the decisions
-- worth keeping are remembered by photo and box; the next attach restores them onto the face
-- found at the same place. No foreign key: rows are written while faces are being replaced, and a
-- photo deleted outright (its file row gone) is not remembered at all.
CREATE TABLE face_memory (
  id         INTEGER PRIMARY KEY,
  file_id    INTEGER NOT NULL,
  stored_x   REAL,
  stored_y   REAL,
  stored_w   REAL,
  stored_h   REAL,
  person_id  INTEGER,
  source     TEXT,
  confirmed  INTEGER,
  rejected   TEXT NOT NULL DEFAULT '[]',   -- JSON person ids
  not_face   INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX face_memory_file ON face_memory(file_id);

CREATE TRIGGER people_remember_face BEFORE DELETE ON faces
WHEN EXISTS (SELECT 1 FROM files WHERE id = OLD.file_id)
  AND (
    EXISTS (SELECT 1 FROM face_person fp JOIN persons p ON p.id = fp.person_id
            WHERE fp.face_id = OLD.id AND (fp.confirmed = 1 OR p.name IS NOT NULL OR p.ignored = 1))
    OR EXISTS (SELECT 1 FROM face_rejections WHERE face_id = OLD.id)
    OR EXISTS (SELECT 1 FROM face_flags WHERE face_id = OLD.id))
BEGIN
  INSERT INTO face_memory (file_id, stored_x, stored_y, stored_w, stored_h, person_id, source, confirmed, rejected, not_face, created_at)
  SELECT OLD.file_id, OLD.stored_x, OLD.stored_y, OLD.stored_w, OLD.stored_h,
    (SELECT person_id FROM face_person WHERE face_id = OLD.id),
    (SELECT source FROM face_person WHERE face_id = OLD.id),
    (SELECT confirmed FROM face_person WHERE face_id = OLD.id),
    (SELECT coalesce(json_group_array(person_id), '[]') FROM face_rejections WHERE face_id = OLD.id),
    EXISTS (SELECT 1 FROM face_flags WHERE face_id = OLD.id),
    CAST(unixepoch('subsec') * 1000 AS INTEGER);
END;
