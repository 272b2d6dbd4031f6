-- Word-inside-tag search through an index: every distinct tag label and metadata keyword, one
-- row per word (lower-cased, split on spaces), so "retriever" finds "golden retriever" by looking
-- the word up instead of reading every tag row with LIKE (a scan of all tags at 500K files).
-- Kept by triggers on whatever writes tags or keywords. A label that is no longer used keeps its
-- rows (the vocabulary only grows by distinct labels, and a stale row finds no tag). A label whose
-- words cannot be split (a control character breaks the JSON) is skipped, never an error: a tag
-- write must not fail because of a lookup table.
CREATE TABLE term_words (
  kind  TEXT NOT NULL,                   -- tag | keyword
  word  TEXT NOT NULL,                   -- lower(word)
  value TEXT NOT NULL,                   -- the label or keyword as stored
  PRIMARY KEY (kind, word, value)
) WITHOUT ROWID;

INSERT OR IGNORE INTO term_words (kind, word, value)
  SELECT 'tag', w.value, l.label
  FROM (SELECT DISTINCT label FROM tags) l,
       json_each(CASE WHEN json_valid('["' || replace(replace(replace(lower(l.label), '\', '\\'), '"', '\"'), ' ', '","') || '"]')
                      THEN '["' || replace(replace(replace(lower(l.label), '\', '\\'), '"', '\"'), ' ', '","') || '"]' ELSE '[]' END) w
  WHERE w.value <> '';
INSERT OR IGNORE INTO term_words (kind, word, value)
  SELECT 'keyword', w.value, k.value
  FROM (SELECT DISTINCT value FROM metadata_terms WHERE kind = 'keyword') k,
       json_each(CASE WHEN json_valid('["' || replace(replace(replace(lower(k.value), '\', '\\'), '"', '\"'), ' ', '","') || '"]')
                      THEN '["' || replace(replace(replace(lower(k.value), '\', '\\'), '"', '\"'), ' ', '","') || '"]' ELSE '[]' END) w
  WHERE w.value <> '';

CREATE TRIGGER term_words_tag_insert AFTER INSERT ON tags BEGIN
  INSERT OR IGNORE INTO term_words (kind, word, value)
    SELECT 'tag', value, new.label
    FROM json_each(CASE WHEN json_valid('["' || replace(replace(replace(lower(new.label), '\', '\\'), '"', '\"'), ' ', '","') || '"]')
                        THEN '["' || replace(replace(replace(lower(new.label), '\', '\\'), '"', '\"'), ' ', '","') || '"]' ELSE '[]' END)
    WHERE value <> '';
END;
CREATE TRIGGER term_words_tag_update AFTER UPDATE OF label ON tags BEGIN
  INSERT OR IGNORE INTO term_words (kind, word, value)
    SELECT 'tag', value, new.label
    FROM json_each(CASE WHEN json_valid('["' || replace(replace(replace(lower(new.label), '\', '\\'), '"', '\"'), ' ', '","') || '"]')
                        THEN '["' || replace(replace(replace(lower(new.label), '\', '\\'), '"', '\"'), ' ', '","') || '"]' ELSE '[]' END)
    WHERE value <> '';
END;
CREATE TRIGGER term_words_keyword_insert AFTER INSERT ON metadata_terms WHEN new.kind = 'keyword' BEGIN
  INSERT OR IGNORE INTO term_words (kind, word, value)
    SELECT 'keyword', value, new.value
    FROM json_each(CASE WHEN json_valid('["' || replace(replace(replace(lower(new.value), '\', '\\'), '"', '\"'), ' ', '","') || '"]')
                        THEN '["' || replace(replace(replace(lower(new.value), '\', '\\'), '"', '\"'), ' ', '","') || '"]' ELSE '[]' END)
    WHERE value <> '';
END;
