-- The own-write journal keeps an entry for every sidecar rawlight wrote (500K in a library of 500K
-- photos); at start only the writes killed mid-way (phase 'writing') are looked for: by this
-- partial index, not by reading every entry (1.2 s and ~150 MB of rows at 500K, measured at 100K).
CREATE INDEX IF NOT EXISTS xmp_journal_writing ON xmp_journal(path) WHERE phase = 'writing';
