-- Whether an upload is current is asked of every upload listed or read back; without this index that is
-- a scan of current_uploads, which grows with history.
CREATE INDEX current_uploads_by_upload ON current_uploads (upload_id);
