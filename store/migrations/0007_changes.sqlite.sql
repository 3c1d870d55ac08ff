-- interlog schema v7: the change feed's outbox; see the MySQL file.
CREATE TABLE changes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
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
  payload BLOB NOT NULL
);
CREATE UNIQUE INDEX uq_changes_sequence ON changes (sequence);
CREATE INDEX idx_changes_unsequenced ON changes (sequence, id);
