-- Reads of the figures as they stood at an instant (asOf) look, per region and period, for the latest
-- upload made at or before it: this index answers that with a seek instead of a scan of the history.
CREATE INDEX uploads_by_region_period_time ON uploads (region_code, period, uploaded_at, id);
