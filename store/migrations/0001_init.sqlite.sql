-- interlog schema v1 (SQLite). Same tables as the MySQL file.
-- Times are BIGINT Unix microseconds, UTC. Money is BIGINT micros. Durations
-- are BIGINT seconds. Codes are stored upper-case; SQLite compares text
-- byte-wise, like utf8mb4_bin on MySQL, so keyset pages agree on both engines.

CREATE TABLE interaction_groups (
  code VARCHAR(10) NOT NULL PRIMARY KEY,
  description VARCHAR(100) NOT NULL DEFAULT '',
  etag VARCHAR(32) NOT NULL,
  user_id VARCHAR(100) NOT NULL DEFAULT '',
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL
);
CREATE TABLE interaction_templates (
  code VARCHAR(10) NOT NULL PRIMARY KEY,
  group_code VARCHAR(10) NOT NULL,
  description VARCHAR(100) NOT NULL DEFAULT '',
  unit_cost_micros BIGINT NOT NULL DEFAULT 0,
  unit_duration_seconds BIGINT NOT NULL DEFAULT 0,
  information_flow SMALLINT NOT NULL DEFAULT 0,
  initiated_by SMALLINT NOT NULL DEFAULT 0,
  campaign_no VARCHAR(20) NOT NULL DEFAULT '',
  campaign_target BOOLEAN NOT NULL DEFAULT FALSE,
  campaign_response BOOLEAN NOT NULL DEFAULT FALSE,
  correspondence_type SMALLINT NOT NULL DEFAULT 0,
  ignore_contact_correspondence_type BOOLEAN NOT NULL DEFAULT FALSE,
  language_code_default VARCHAR(10) NOT NULL DEFAULT '',
  wizard_action SMALLINT NOT NULL DEFAULT 0,
  attachment_id BIGINT NULL,
  etag VARCHAR(32) NOT NULL,
  user_id VARCHAR(100) NOT NULL DEFAULT '',
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  CONSTRAINT fk_templates_group FOREIGN KEY (group_code) REFERENCES interaction_groups (code)
);
CREATE INDEX idx_templates_group ON interaction_templates (group_code, code);
CREATE INDEX idx_templates_attachment ON interaction_templates (attachment_id);
CREATE TABLE interaction_template_languages (
  template_code VARCHAR(10) NOT NULL,
  language_code VARCHAR(10) NOT NULL,
  description VARCHAR(100) NOT NULL DEFAULT '',
  attachment_id BIGINT NULL,
  user_id VARCHAR(100) NOT NULL DEFAULT '',
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  PRIMARY KEY (template_code, language_code),
  CONSTRAINT fk_template_languages_template FOREIGN KEY (template_code) REFERENCES interaction_templates (code)
);
CREATE INDEX idx_template_languages_attachment ON interaction_template_languages (attachment_id);
-- One row per filled slot of the interaction template setup; a missing row is a blank slot.
CREATE TABLE interaction_template_setup (
  slot VARCHAR(40) NOT NULL PRIMARY KEY,
  template_code VARCHAR(10) NOT NULL,
  user_id VARCHAR(100) NOT NULL DEFAULT '',
  update_time BIGINT NOT NULL
);
CREATE INDEX idx_setup_template ON interaction_template_setup (template_code);
CREATE TABLE contacts (
  no VARCHAR(20) NOT NULL PRIMARY KEY,
  type SMALLINT NOT NULL,
  display_name VARCHAR(100) NOT NULL DEFAULT '',
  company_no VARCHAR(20) NOT NULL DEFAULT '',
  language_code VARCHAR(10) NOT NULL DEFAULT '',
  correspondence_type SMALLINT NOT NULL DEFAULT 0,
  salesperson_code VARCHAR(20) NOT NULL DEFAULT '',
  email VARCHAR(80) NOT NULL DEFAULT '',
  phone VARCHAR(30) NOT NULL DEFAULT '',
  privacy_blocked BOOLEAN NOT NULL DEFAULT FALSE,
  etag VARCHAR(32) NOT NULL,
  user_id VARCHAR(100) NOT NULL DEFAULT '',
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL
);
CREATE INDEX idx_contacts_company ON contacts (company_no, no);
CREATE INDEX idx_contacts_type ON contacts (type, no);
CREATE INDEX idx_contacts_name ON contacts (display_name, no);
CREATE TABLE logged_segments (
  entry_no INTEGER PRIMARY KEY AUTOINCREMENT,
  segment_no VARCHAR(20) NOT NULL,
  description VARCHAR(100) NOT NULL DEFAULT '',
  user_id VARCHAR(100) NOT NULL DEFAULT '',
  create_time BIGINT NOT NULL,
  canceled BOOLEAN NOT NULL DEFAULT FALSE,
  interaction_count BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX idx_logged_segments_segment ON logged_segments (segment_no, entry_no);
CREATE INDEX idx_logged_segments_canceled ON logged_segments (canceled, entry_no);
CREATE TABLE interaction_log_entries (
  entry_no INTEGER PRIMARY KEY AUTOINCREMENT,
  contact_no VARCHAR(20) NOT NULL,
  contact_company_no VARCHAR(20) NOT NULL DEFAULT '',
  interaction_time BIGINT NOT NULL,
  time_zone VARCHAR(64) NOT NULL DEFAULT '',
  description VARCHAR(100) NOT NULL DEFAULT '',
  subject VARCHAR(100) NOT NULL DEFAULT '',
  information_flow SMALLINT NOT NULL DEFAULT 0,
  initiated_by SMALLINT NOT NULL DEFAULT 0,
  attachment_id BIGINT NULL,
  cost_micros BIGINT NOT NULL DEFAULT 0,
  duration_seconds BIGINT NOT NULL DEFAULT 0,
  user_id VARCHAR(100) NOT NULL DEFAULT '',
  group_code VARCHAR(10) NOT NULL DEFAULT '',
  template_code VARCHAR(10) NOT NULL DEFAULT '',
  language_code VARCHAR(10) NOT NULL DEFAULT '',
  campaign_no VARCHAR(20) NOT NULL DEFAULT '',
  campaign_target BOOLEAN NOT NULL DEFAULT FALSE,
  campaign_response BOOLEAN NOT NULL DEFAULT FALSE,
  segment_no VARCHAR(20) NOT NULL DEFAULT '',
  logged_segment_entry_no BIGINT NULL,
  evaluation SMALLINT NOT NULL DEFAULT 0,
  attempt_failed BOOLEAN NOT NULL DEFAULT FALSE,
  task_no VARCHAR(20) NOT NULL DEFAULT '',
  salesperson_code VARCHAR(20) NOT NULL DEFAULT '',
  delivery_status SMALLINT NOT NULL DEFAULT 0,
  canceled BOOLEAN NOT NULL DEFAULT FALSE,
  postponed BOOLEAN NOT NULL DEFAULT FALSE,
  correspondence_type SMALLINT NOT NULL DEFAULT 0,
  contact_via VARCHAR(80) NOT NULL DEFAULT '',
  document_type SMALLINT NOT NULL DEFAULT 0,
  document_no VARCHAR(20) NOT NULL DEFAULT '',
  version_no INT NOT NULL DEFAULT 0,
  doc_no_occurrence INT NOT NULL DEFAULT 0,
  opportunity_no VARCHAR(20) NOT NULL DEFAULT '',
  comment_count INT NOT NULL DEFAULT 0,
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  CONSTRAINT fk_entries_contact FOREIGN KEY (contact_no) REFERENCES contacts (no)
);
CREATE INDEX idx_entries_contact ON interaction_log_entries (contact_no, postponed, interaction_time);
CREATE INDEX idx_entries_company ON interaction_log_entries (contact_company_no, contact_no, interaction_time);
CREATE INDEX idx_entries_template ON interaction_log_entries (template_code, canceled, interaction_time);
CREATE INDEX idx_entries_group ON interaction_log_entries (group_code, canceled, interaction_time);
CREATE INDEX idx_entries_salesperson ON interaction_log_entries (salesperson_code, canceled, interaction_time);
CREATE INDEX idx_entries_campaign ON interaction_log_entries (campaign_no, canceled, interaction_time);
CREATE INDEX idx_entries_segment ON interaction_log_entries (segment_no);
CREATE INDEX idx_entries_logged_segment ON interaction_log_entries (logged_segment_entry_no);
CREATE INDEX idx_entries_document ON interaction_log_entries (document_type, document_no);
CREATE INDEX idx_entries_time ON interaction_log_entries (interaction_time, entry_no);
CREATE INDEX idx_entries_canceled ON interaction_log_entries (canceled, postponed, entry_no);
CREATE INDEX idx_entries_attachment ON interaction_log_entries (attachment_id);
CREATE TABLE interaction_log_comments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  entry_no BIGINT NOT NULL,
  comment_date VARCHAR(10) NOT NULL,
  text VARCHAR(2000) NOT NULL,
  user_id VARCHAR(100) NOT NULL DEFAULT '',
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  CONSTRAINT fk_comments_entry FOREIGN KEY (entry_no) REFERENCES interaction_log_entries (entry_no)
);
CREATE INDEX idx_comments_entry ON interaction_log_comments (entry_no, id);
CREATE TABLE segments (
  no VARCHAR(20) NOT NULL PRIMARY KEY,
  description VARCHAR(100) NOT NULL DEFAULT '',
  template_code VARCHAR(10) NOT NULL DEFAULT '',
  campaign_no VARCHAR(20) NOT NULL DEFAULT '',
  campaign_target BOOLEAN NOT NULL DEFAULT FALSE,
  campaign_response BOOLEAN NOT NULL DEFAULT FALSE,
  salesperson_code VARCHAR(20) NOT NULL DEFAULT '',
  interaction_time BIGINT NULL,
  correspondence_type SMALLINT NOT NULL DEFAULT 0,
  ignore_contact_correspondence_type BOOLEAN NOT NULL DEFAULT FALSE,
  information_flow SMALLINT NOT NULL DEFAULT 0,
  initiated_by SMALLINT NOT NULL DEFAULT 0,
  unit_cost_micros BIGINT NULL,
  unit_duration_seconds BIGINT NULL,
  language_code VARCHAR(10) NOT NULL DEFAULT '',
  subject VARCHAR(100) NOT NULL DEFAULT '',
  etag VARCHAR(32) NOT NULL,
  user_id VARCHAR(100) NOT NULL DEFAULT '',
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL
);
-- overrides holds the line's InteractionOverrides as JSON (store.Overrides).
CREATE TABLE segment_lines (
  line_no INTEGER PRIMARY KEY AUTOINCREMENT,
  segment_no VARCHAR(20) NOT NULL,
  contact_no VARCHAR(20) NOT NULL,
  template_code VARCHAR(10) NULL,
  overrides TEXT NOT NULL,
  user_id VARCHAR(100) NOT NULL DEFAULT '',
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  CONSTRAINT fk_segment_lines_segment FOREIGN KEY (segment_no) REFERENCES segments (no),
  CONSTRAINT fk_segment_lines_contact FOREIGN KEY (contact_no) REFERENCES contacts (no)
);
CREATE INDEX idx_segment_lines_segment ON segment_lines (segment_no, line_no);
CREATE INDEX idx_segment_lines_contact ON segment_lines (contact_no);
-- Content is stored once per SHA-256 in attachment_blobs/attachment_chunks;
-- attachments rows are the named files that point at a blob.
CREATE TABLE attachment_blobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  sha256 CHAR(64) NULL,
  size_bytes BIGINT NOT NULL DEFAULT 0,
  complete BOOLEAN NOT NULL DEFAULT FALSE,
  create_time BIGINT NOT NULL
);
CREATE UNIQUE INDEX idx_blobs_sha256 ON attachment_blobs (sha256);
CREATE TABLE attachment_chunks (
  blob_id BIGINT NOT NULL,
  seq INT NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (blob_id, seq)
);
CREATE TABLE attachments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  blob_id BIGINT NOT NULL,
  file_name VARCHAR(250) NOT NULL DEFAULT '',
  content_type VARCHAR(100) NOT NULL DEFAULT '',
  size_bytes BIGINT NOT NULL,
  sha256 CHAR(64) NOT NULL,
  read_only BOOLEAN NOT NULL DEFAULT FALSE,
  user_id VARCHAR(100) NOT NULL DEFAULT '',
  create_time BIGINT NOT NULL
);
CREATE INDEX idx_attachments_blob ON attachments (blob_id);
-- AIP-155 request ids: the first response of a request, replayed to retries.
CREATE TABLE idempotency_keys (
  method VARCHAR(200) NOT NULL,
  request_id VARCHAR(36) NOT NULL,
  request_hash CHAR(64) NOT NULL,
  response BLOB NOT NULL,
  create_time BIGINT NOT NULL,
  PRIMARY KEY (method, request_id)
);
CREATE INDEX idx_idempotency_time ON idempotency_keys (create_time);
