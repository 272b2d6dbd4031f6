-- A typed place (0210: Lightroom's Sublocation/City/State/Country, IPTC's as Photo Mechanic writes
-- them) is a place like a GPS one (0036): the place filter (`search --place`, the API's `place=`),
-- the search parser ("dog in moab" asks for photos taken in Moab) and the page's filter suggestions
-- look it up by name, case-insensitively. Partial: most photos name no place, and each lookup
-- (`place_city = ? COLLATE NOCASE`) implies the column is not NULL, so these serve it.
CREATE INDEX IF NOT EXISTS metadata_place_location ON metadata(place_location COLLATE NOCASE) WHERE place_location IS NOT NULL;
CREATE INDEX IF NOT EXISTS metadata_place_city ON metadata(place_city COLLATE NOCASE) WHERE place_city IS NOT NULL;
CREATE INDEX IF NOT EXISTS metadata_place_state ON metadata(place_state COLLATE NOCASE) WHERE place_state IS NOT NULL;
CREATE INDEX IF NOT EXISTS metadata_place_country ON metadata(place_country COLLATE NOCASE) WHERE place_country IS NOT NULL;
