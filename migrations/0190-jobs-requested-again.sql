-- A request to reconsider a pass (`requestPass`: a person named, a tag edited) that arrives while
-- that very job runs used to fold into the running job, which had already read its inputs; its
-- completion then deleted the row and the request with it (the soak: a person named "Bob" never
-- reached two photos' sidecars, no job left). The flag keeps the request: completing a job asked
-- for again sets it pending instead of deleting it.
ALTER TABLE jobs ADD COLUMN requested_again INTEGER NOT NULL DEFAULT 0;
