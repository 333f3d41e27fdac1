-- Answers to uploads sent with an Idempotency-Key, so that a retried request gets the first answer
-- instead of storing the figures twice. Keys belong to one API key's client and expire.
CREATE TABLE idempotency_keys (
  client      TEXT NOT NULL,
  key         TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  answer      TEXT NOT NULL,
  expires_at  TEXT NOT NULL,
  PRIMARY KEY (client, key)
) WITHOUT ROWID;

CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);
