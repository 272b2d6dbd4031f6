-- Search reads ISO speed, focal length and aperture ("iso 3200", "85mm", "f/8"), the star rating
-- ("5 stars") and colour label ("red label") a user gave in Lightroom or darktable: each is a range
-- looked up in its own index, then files by id, rather than every photo's metadata checked (a rare
-- setting such as ISO 25600 walked the whole library; 41 ms at 100K photos, and again to say why
-- nothing matched). Partial: photos without the value (scans, screenshots) take no room.
CREATE INDEX IF NOT EXISTS metadata_iso ON metadata(iso) WHERE iso IS NOT NULL;
CREATE INDEX IF NOT EXISTS metadata_focal ON metadata(focal_length) WHERE focal_length IS NOT NULL;
CREATE INDEX IF NOT EXISTS metadata_aperture ON metadata(f_number) WHERE f_number IS NOT NULL;
CREATE INDEX IF NOT EXISTS metadata_rating ON metadata(rating) WHERE rating IS NOT NULL;
CREATE INDEX IF NOT EXISTS metadata_label ON metadata(label COLLATE NOCASE) WHERE label IS NOT NULL;
-- darktable keeps several colour labels on a photo ("Red, Blue"): those few rows by their own index.
CREATE INDEX IF NOT EXISTS metadata_labels ON metadata(label) WHERE label LIKE '%, %';
