-- The schema of the SQLite migrations 001-006 as one PostgreSQL migration: reference data (CBS "Gebieden in
-- Nederland 2026"), immutable uploads with their figures and sums, `current_uploads` pointing at the upload
-- that counts per region and period, withdrawals, idempotency keys, and what an upload printed (the region's
-- label, each gemeente's name as written, in the upload's order). Instants are ISO 8601 UTC text as
-- `Date#toISOString` writes them. Every text column has the "C" collation, so that it compares and sorts
-- bytewise exactly as on SQLite, whatever the locale the database was created with.

CREATE TABLE regions (
  code TEXT COLLATE "C" PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL UNIQUE
);

CREATE TABLE gemeenten (
  code        TEXT COLLATE "C" PRIMARY KEY,
  name        TEXT COLLATE "C" NOT NULL,
  region_code TEXT COLLATE "C" NOT NULL REFERENCES regions (code)
);

CREATE INDEX gemeenten_by_region ON gemeenten (region_code, name);

CREATE TABLE uploads (
  id             INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  region_code    TEXT COLLATE "C"    NOT NULL REFERENCES regions (code),
  period         TEXT COLLATE "C"    NOT NULL CHECK (period ~ '^[12][0-9][0-9][0-9]-[01][0-9]$'),
  register_total INTEGER CHECK (register_total >= 0),
  uploaded_by    TEXT COLLATE "C"    NOT NULL,
  uploaded_at    TEXT COLLATE "C"    NOT NULL,
  source         TEXT COLLATE "C"    NOT NULL,
  withdrawn_at   TEXT COLLATE "C",
  withdrawn_by   TEXT COLLATE "C",
  region_label   TEXT COLLATE "C"
);

CREATE INDEX uploads_by_region_period_time ON uploads (region_code, period, uploaded_at, id);
CREATE INDEX uploads_by_uploader ON uploads (uploaded_by, id);

CREATE TABLE upload_figures (
  upload_id                INTEGER NOT NULL REFERENCES uploads (id),
  gemeente_code            TEXT COLLATE "C"    NOT NULL REFERENCES gemeenten (code),
  gemeente_with_profile    INTEGER NOT NULL CHECK (gemeente_with_profile >= 0),
  gemeente_without_profile INTEGER NOT NULL CHECK (gemeente_without_profile >= 0),
  uwv_with_profile         INTEGER NOT NULL CHECK (uwv_with_profile >= 0),
  uwv_without_profile      INTEGER NOT NULL CHECK (uwv_without_profile >= 0),
  printed_name             TEXT COLLATE "C",
  position                 INTEGER,
  PRIMARY KEY (upload_id, gemeente_code)
);

-- Each upload's counts summed over its gemeenten, written in the upload's own transaction.
CREATE TABLE upload_sums (
  upload_id                INTEGER PRIMARY KEY REFERENCES uploads (id),
  gemeente_with_profile    INTEGER NOT NULL,
  gemeente_without_profile INTEGER NOT NULL,
  uwv_with_profile         INTEGER NOT NULL,
  uwv_without_profile      INTEGER NOT NULL
);

CREATE TABLE current_uploads (
  region_code TEXT COLLATE "C"    NOT NULL REFERENCES regions (code),
  period      TEXT COLLATE "C"    NOT NULL,
  upload_id   INTEGER NOT NULL REFERENCES uploads (id),
  PRIMARY KEY (region_code, period)
);

CREATE INDEX current_uploads_by_period ON current_uploads (period);
CREATE INDEX current_uploads_by_upload ON current_uploads (upload_id);

CREATE TABLE idempotency_keys (
  client      TEXT COLLATE "C" NOT NULL,
  key         TEXT COLLATE "C" NOT NULL,
  fingerprint TEXT COLLATE "C" NOT NULL,
  answer      TEXT COLLATE "C" NOT NULL,
  expires_at  TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (client, key)
);

CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);

-- One row whose version every write transaction bumps first: its row lock makes writers from every
-- instance take turns (the last to commit is current, nothing is lost), and the version it reaches is what
-- instances compare to learn of each other's commits when a notification was missed.
CREATE TABLE figures_version (
  only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
  version  BIGINT  NOT NULL
);
INSERT INTO figures_version (version) VALUES (0);

-- Uploads set aside while a table file is read, keyed by import, moved into the figures in one transaction
-- at commit. UNLOGGED: staging is redone by sending the file again, so it need not survive a crash and costs
-- no WAL. staged_at lets start-up clear what an instance killed mid-import left behind.
CREATE UNLOGGED TABLE staged_uploads (
  import_id      BIGINT  NOT NULL,
  seq            INTEGER NOT NULL,
  region_code    TEXT COLLATE "C"    NOT NULL,
  period         TEXT COLLATE "C"    NOT NULL,
  register_total INTEGER,
  uploaded_by    TEXT COLLATE "C"    NOT NULL,
  source         TEXT COLLATE "C"    NOT NULL,
  region_label   TEXT COLLATE "C",
  staged_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (import_id, seq)
);

CREATE UNLOGGED TABLE staged_figures (
  import_id     BIGINT  NOT NULL,
  seq           INTEGER NOT NULL,
  gemeente_code TEXT COLLATE "C"    NOT NULL,
  gw            INTEGER NOT NULL,
  gwo           INTEGER NOT NULL,
  uw            INTEGER NOT NULL,
  uwo           INTEGER NOT NULL,
  printed_name  TEXT COLLATE "C",
  position      INTEGER NOT NULL,
  PRIMARY KEY (import_id, seq, gemeente_code)
);

CREATE SEQUENCE staged_imports;
