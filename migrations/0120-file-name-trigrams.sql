-- File-name search through an index. A query word ("IMG_1234", "DSC_0042", "beach") was matched
-- by `path LIKE '%word%'`, a read of every path (seconds at 500K files). file_names holds each
-- file's name (the last path component) in an FTS5 table with the trigram tokenizer: a quoted
-- MATCH of 3 or more characters is a case-insensitive substring match answered from the trigram
-- index. rowid = files.id. Kept by triggers on files, whatever writes them (discovery's insert,
-- its rename of a moved file, a delete). No conflict clause anywhere: a trigger inherits the
-- conflict policy of the statement that fired it (see 0110), so a stale row is deleted first.
CREATE VIRTUAL TABLE file_names USING fts5(name, tokenize = 'trigram');

INSERT INTO file_names (rowid, name)
  SELECT id, substr(path, length(rtrim(path, replace(path, '/', ''))) + 1) FROM files;

CREATE TRIGGER file_names_insert AFTER INSERT ON files BEGIN
  DELETE FROM file_names WHERE rowid = new.id;
  INSERT INTO file_names (rowid, name) VALUES (new.id, substr(new.path, length(rtrim(new.path, replace(new.path, '/', ''))) + 1));
END;
CREATE TRIGGER file_names_update AFTER UPDATE OF id, path ON files WHEN old.path IS NOT new.path OR old.id IS NOT new.id BEGIN
  DELETE FROM file_names WHERE rowid = old.id;
  DELETE FROM file_names WHERE rowid = new.id;
  INSERT INTO file_names (rowid, name) VALUES (new.id, substr(new.path, length(rtrim(new.path, replace(new.path, '/', ''))) + 1));
END;
CREATE TRIGGER file_names_delete AFTER DELETE ON files BEGIN
  DELETE FROM file_names WHERE rowid = old.id;
END;
