-- Withdrawn uploads stay in the history, marked with when and by which key; they are never current again.
-- withdrawn_at is an ISO 8601 UTC instant, written like uploaded_at, so that "the figures as they stood at
-- T" can skip uploads withdrawn at or before T.
ALTER TABLE uploads ADD COLUMN withdrawn_at TEXT;
ALTER TABLE uploads ADD COLUMN withdrawn_by TEXT;

-- The audit filter of the uploads list, newest first.
CREATE INDEX uploads_by_uploader ON uploads (uploaded_by, id);
