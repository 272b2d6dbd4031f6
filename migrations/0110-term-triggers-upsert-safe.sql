-- The lookup triggers of 0063 and 0100 relied on INSERT OR IGNORE. SQLite applies the conflict
-- policy of the statement that fired a trigger to the trigger's own statements, and an UPSERT
-- (saveMetadata's INSERT … ON CONFLICT DO UPDATE) makes it ABORT: a metadata re-read of a photo
-- whose keyword another photo also has, or that holds "Dog" and "dog", failed with "UNIQUE
-- constraint failed". The same triggers, without relying on a conflict clause: duplicates are
-- removed in the SELECT (DISTINCT, or GROUP BY under the column's NOCASE) and rows already
-- present are skipped with NOT EXISTS, so whatever statement writes the rows, none fails.
DROP TRIGGER metadata_terms_insert;
DROP TRIGGER metadata_terms_update;
DROP TRIGGER term_words_tag_insert;
DROP TRIGGER term_words_tag_update;
DROP TRIGGER term_words_keyword_insert;

CREATE TRIGGER metadata_terms_insert AFTER INSERT ON metadata BEGIN
  INSERT INTO metadata_terms (kind, value, file_id)
    SELECT 'keyword', min(j.value), new.file_id FROM json_each(CASE WHEN json_valid(new.keywords) THEN new.keywords ELSE '[]' END) j
    WHERE j.type = 'text' AND NOT EXISTS (SELECT 1 FROM metadata_terms t WHERE t.kind = 'keyword' AND t.value = j.value AND t.file_id = new.file_id)
    GROUP BY j.value COLLATE NOCASE;
  INSERT INTO metadata_terms (kind, value, file_id)
    SELECT 'person', min(j.value), new.file_id FROM json_each(CASE WHEN json_valid(new.people) THEN new.people ELSE '[]' END) j
    WHERE j.type = 'text' AND NOT EXISTS (SELECT 1 FROM metadata_terms t WHERE t.kind = 'person' AND t.value = j.value AND t.file_id = new.file_id)
    GROUP BY j.value COLLATE NOCASE;
END;
CREATE TRIGGER metadata_terms_update AFTER UPDATE OF keywords, people, file_id ON metadata BEGIN
  DELETE FROM metadata_terms WHERE file_id = old.file_id;
  INSERT INTO metadata_terms (kind, value, file_id)
    SELECT 'keyword', min(j.value), new.file_id FROM json_each(CASE WHEN json_valid(new.keywords) THEN new.keywords ELSE '[]' END) j
    WHERE j.type = 'text' AND NOT EXISTS (SELECT 1 FROM metadata_terms t WHERE t.kind = 'keyword' AND t.value = j.value AND t.file_id = new.file_id)
    GROUP BY j.value COLLATE NOCASE;
  INSERT INTO metadata_terms (kind, value, file_id)
    SELECT 'person', min(j.value), new.file_id FROM json_each(CASE WHEN json_valid(new.people) THEN new.people ELSE '[]' END) j
    WHERE j.type = 'text' AND NOT EXISTS (SELECT 1 FROM metadata_terms t WHERE t.kind = 'person' AND t.value = j.value AND t.file_id = new.file_id)
    GROUP BY j.value COLLATE NOCASE;
END;

CREATE TRIGGER term_words_tag_insert AFTER INSERT ON tags BEGIN
  INSERT INTO term_words (kind, word, value)
    SELECT DISTINCT 'tag', w.value, new.label
    FROM json_each(CASE WHEN json_valid('["' || replace(replace(replace(lower(new.label), '\', '\\'), '"', '\"'), ' ', '","') || '"]')
                        THEN '["' || replace(replace(replace(lower(new.label), '\', '\\'), '"', '\"'), ' ', '","') || '"]' ELSE '[]' END) w
    WHERE w.value <> '' AND NOT EXISTS (SELECT 1 FROM term_words t WHERE t.kind = 'tag' AND t.word = w.value AND t.value = new.label);
END;
CREATE TRIGGER term_words_tag_update AFTER UPDATE OF label ON tags BEGIN
  INSERT INTO term_words (kind, word, value)
    SELECT DISTINCT 'tag', w.value, new.label
    FROM json_each(CASE WHEN json_valid('["' || replace(replace(replace(lower(new.label), '\', '\\'), '"', '\"'), ' ', '","') || '"]')
                        THEN '["' || replace(replace(replace(lower(new.label), '\', '\\'), '"', '\"'), ' ', '","') || '"]' ELSE '[]' END) w
    WHERE w.value <> '' AND NOT EXISTS (SELECT 1 FROM term_words t WHERE t.kind = 'tag' AND t.word = w.value AND t.value = new.label);
END;
CREATE TRIGGER term_words_keyword_insert AFTER INSERT ON metadata_terms WHEN new.kind = 'keyword' BEGIN
  INSERT INTO term_words (kind, word, value)
    SELECT DISTINCT 'keyword', w.value, new.value
    FROM json_each(CASE WHEN json_valid('["' || replace(replace(replace(lower(new.value), '\', '\\'), '"', '\"'), ' ', '","') || '"]')
                        THEN '["' || replace(replace(replace(lower(new.value), '\', '\\'), '"', '\"'), ' ', '","') || '"]' ELSE '[]' END) w
    WHERE w.value <> '' AND NOT EXISTS (SELECT 1 FROM term_words t WHERE t.kind = 'keyword' AND t.word = w.value AND t.value = new.value);
END;
