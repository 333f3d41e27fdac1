-- Reads of the figures as they stood at an instant (asOf) look, per region and period, for the latest
-- upload made at or before it: this index answers that with a seek instead of a scan of the history.
CREATE INDEX uploads_by_region_period_time ON uploads (region_code, period, uploaded_at, id);

-- Each upload's counts summed over its gemeenten, written in the upload's own transaction (uploads are
-- immutable, so the sums never change). A series reads one row per upload instead of every gemeente's.
CREATE TABLE upload_sums (
  upload_id                INTEGER PRIMARY KEY REFERENCES uploads (id),
  gemeente_with_profile    INTEGER NOT NULL,
  gemeente_without_profile INTEGER NOT NULL,
  uwv_with_profile         INTEGER NOT NULL,
  uwv_without_profile      INTEGER NOT NULL
);

INSERT INTO upload_sums (upload_id, gemeente_with_profile, gemeente_without_profile, uwv_with_profile, uwv_without_profile)
SELECT u.id, coalesce(sum(f.gemeente_with_profile), 0), coalesce(sum(f.gemeente_without_profile), 0),
  coalesce(sum(f.uwv_with_profile), 0), coalesce(sum(f.uwv_without_profile), 0)
FROM uploads u LEFT JOIN upload_figures f ON f.upload_id = u.id GROUP BY u.id;
