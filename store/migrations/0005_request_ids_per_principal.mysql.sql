-- interlog schema v5: request ids (AIP-155) are scoped to the principal and
-- the method. idempotency_keys was keyed by (method, request_id) only, so a
-- request id of one principal could answer another's request with its
-- response. Its primary key cannot be changed on every engine (TiDB does not
-- drop a clustered primary key), so request_ids replaces it. The old records
-- are not carried over: nothing says whose they are, and handing them to any
-- caller is the defect. They were kept for 24 hours only: a retry that spans
-- the upgrade does its work again.
CREATE TABLE request_ids (
  principal VARCHAR(100) NOT NULL,
  method VARCHAR(200) NOT NULL,
  request_id VARCHAR(36) NOT NULL,
  request_hash CHAR(64) NOT NULL,
  response LONGBLOB NOT NULL,
  create_time BIGINT NOT NULL,
  PRIMARY KEY (principal, method, request_id),
  INDEX idx_request_ids_time (create_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

DROP TABLE idempotency_keys;
