-- Lightroom rewriting a sidecar from its catalog: the xmp:MetadataDate rawlight's last write left
-- in the target, so a later save by another tool can be told apart from a user's deletions.
ALTER TABLE xmp_state ADD COLUMN written_metadata_date TEXT;
