-- Places: offline reverse geocoding of a file's GPS (one row per file with a place).

CREATE TABLE places (
  file_id      INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
  city         TEXT,                        -- nearest town (GeoNames), NULL when none is near
  region       TEXT,                        -- admin-1 name in English (state, province), when known
  country      TEXT,                        -- English country name
  country_code TEXT,                        -- ISO 3166-1 alpha-2 (GeoNames style: RE, PR, GL ...)
  distance_km  REAL,                        -- from the photo to the town's point
  source       TEXT,                        -- dataset version that produced the row
  lat          REAL,                        -- the GPS position that was looked up
  lon          REAL
);
-- Search by place name ("Arezzo", "tuscany", "Germany") matches case-insensitively.
CREATE INDEX places_city ON places(city COLLATE NOCASE);
CREATE INDEX places_region ON places(region COLLATE NOCASE);
CREATE INDEX places_country ON places(country COLLATE NOCASE);
