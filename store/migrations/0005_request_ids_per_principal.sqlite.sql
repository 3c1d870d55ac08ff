-- interlog schema v5: request ids are scoped to the principal and the method.
-- See the MySQL file for why a new table replaces idempotency_keys.
CREATE TABLE request_ids (
  principal VARCHAR(100) NOT NULL,
  method VARCHAR(200) NOT NULL,
  request_id VARCHAR(36) NOT NULL,
  request_hash CHAR(64) NOT NULL,
  response BLOB NOT NULL,
  create_time BIGINT NOT NULL,
  PRIMARY KEY (principal, method, request_id)
);
CREATE INDEX idx_request_ids_time ON request_ids (create_time);

DROP TABLE idempotency_keys;
