-- What an upload printed, so that the publication table can be written back as it came in: the region's
-- label ("28 Twente") and each gemeente's name as written ("Hengelo" for CBS's "Hengelo (O.)"), in the
-- upload's order. Uploads stored before this migration have neither; their tables print CBS names.
ALTER TABLE uploads ADD COLUMN region_label TEXT;
ALTER TABLE upload_figures ADD COLUMN printed_name TEXT;
ALTER TABLE upload_figures ADD COLUMN position INTEGER;
