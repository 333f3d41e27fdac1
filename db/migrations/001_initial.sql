-- Reference data (CBS "Gebieden in Nederland 2026") and the uploaded figures.
-- Uploads are immutable; `current_uploads` points at the one that counts for each region and period,
-- so that a new upload replaces the figures in one statement and the old ones stay as history.

CREATE TABLE regions (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
) WITHOUT ROWID;

CREATE TABLE gemeenten (
  code        TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  region_code TEXT NOT NULL REFERENCES regions (code)
) WITHOUT ROWID;

CREATE INDEX gemeenten_by_region ON gemeenten (region_code, name);

CREATE TABLE uploads (
  id             INTEGER PRIMARY KEY,
  region_code    TEXT    NOT NULL REFERENCES regions (code),
  period         TEXT    NOT NULL CHECK (period GLOB '[12][0-9][0-9][0-9]-[01][0-9]'),
  register_total INTEGER CHECK (register_total >= 0),
  uploaded_by    TEXT    NOT NULL,
  uploaded_at    TEXT    NOT NULL,
  source         TEXT    NOT NULL
);

CREATE INDEX uploads_by_region_period ON uploads (region_code, period);

CREATE TABLE upload_figures (
  upload_id                  INTEGER NOT NULL REFERENCES uploads (id),
  gemeente_code              TEXT    NOT NULL REFERENCES gemeenten (code),
  gemeente_with_profile      INTEGER NOT NULL CHECK (gemeente_with_profile >= 0),
  gemeente_without_profile   INTEGER NOT NULL CHECK (gemeente_without_profile >= 0),
  uwv_with_profile           INTEGER NOT NULL CHECK (uwv_with_profile >= 0),
  uwv_without_profile        INTEGER NOT NULL CHECK (uwv_without_profile >= 0),
  PRIMARY KEY (upload_id, gemeente_code)
) WITHOUT ROWID;

CREATE TABLE current_uploads (
  region_code TEXT    NOT NULL REFERENCES regions (code),
  period      TEXT    NOT NULL,
  upload_id   INTEGER NOT NULL REFERENCES uploads (id),
  PRIMARY KEY (region_code, period)
) WITHOUT ROWID;

CREATE INDEX current_uploads_by_period ON current_uploads (period);
