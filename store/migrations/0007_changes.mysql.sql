-- interlog schema v7: the change feed's outbox (issue 15). Every mutation
-- inserts its changes here in its own transaction; id is the insert order
-- only (AUTO_INCREMENT values commit out of order). sequence is the order in
-- which changes became visible: NULL until the sequencer (store/sequencer.go)
-- assigns it to committed rows, in batches, above every sequence assigned
-- before. Readers read sequenced rows only. Codes and principal are stored as
-- the other tables store them; payload is the resource after the change (JSON
-- of the store's model; empty for a deletion).
CREATE TABLE changes (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  sequence BIGINT NULL,
  change_time BIGINT NOT NULL,
  principal VARCHAR(100) NOT NULL DEFAULT '',
  request_id VARCHAR(36) NOT NULL DEFAULT '',
  kind SMALLINT NOT NULL,
  resource_type SMALLINT NOT NULL,
  resource_key VARCHAR(100) NOT NULL,
  contact_no VARCHAR(20) NOT NULL DEFAULT '',
  contact_company_no VARCHAR(20) NOT NULL DEFAULT '',
  template_code VARCHAR(10) NOT NULL DEFAULT '',
  group_code VARCHAR(10) NOT NULL DEFAULT '',
  payload LONGBLOB NOT NULL,
  -- The feed's order; unique, so that two sequencers that ever overlapped
  -- (a lock lost with its connection) cannot both commit a sequence.
  UNIQUE INDEX uq_changes_sequence (sequence),
  -- The sequencer's work list: rows whose sequence IS NULL, in id order,
  -- read without sorting (the unique index above does not promise id order
  -- among NULLs on every engine).
  INDEX idx_changes_unsequenced (sequence, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
