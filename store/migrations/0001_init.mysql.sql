-- interlog schema v1 (MySQL / MariaDB / TiDB).
-- Times are BIGINT Unix microseconds, UTC. Money is BIGINT micros. Durations
-- are BIGINT seconds. Codes are stored upper-case; utf8mb4_bin makes ordering
-- byte-wise, the same as SQLite's, so keyset pages agree on both engines.

CREATE TABLE interaction_groups (
  code VARCHAR(10) NOT NULL PRIMARY KEY,
  description VARCHAR(100) NOT NULL DEFAULT '',
  etag VARCHAR(32) NOT NULL,
  user_id VARCHAR(100) NOT NULL DEFAULT '',
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

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
  INDEX idx_templates_group (group_code, code),
  INDEX idx_templates_attachment (attachment_id),
  CONSTRAINT fk_templates_group FOREIGN KEY (group_code) REFERENCES interaction_groups (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE interaction_template_languages (
  template_code VARCHAR(10) NOT NULL,
  language_code VARCHAR(10) NOT NULL,
  description VARCHAR(100) NOT NULL DEFAULT '',
  attachment_id BIGINT NULL,
  user_id VARCHAR(100) NOT NULL DEFAULT '',
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  PRIMARY KEY (template_code, language_code),
  INDEX idx_template_languages_attachment (attachment_id),
  CONSTRAINT fk_template_languages_template FOREIGN KEY (template_code) REFERENCES interaction_templates (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per filled slot of the interaction template setup; a missing row is a blank slot.
CREATE TABLE interaction_template_setup (
  slot VARCHAR(40) NOT NULL PRIMARY KEY,
  template_code VARCHAR(10) NOT NULL,
  user_id VARCHAR(100) NOT NULL DEFAULT '',
  update_time BIGINT NOT NULL,
  INDEX idx_setup_template (template_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

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
  update_time BIGINT NOT NULL,
  INDEX idx_contacts_company (company_no, no),
  INDEX idx_contacts_type (type, no),
  INDEX idx_contacts_name (display_name, no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE logged_segments (
  entry_no BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  segment_no VARCHAR(20) NOT NULL,
  description VARCHAR(100) NOT NULL DEFAULT '',
  user_id VARCHAR(100) NOT NULL DEFAULT '',
  create_time BIGINT NOT NULL,
  canceled BOOLEAN NOT NULL DEFAULT FALSE,
  interaction_count BIGINT NOT NULL DEFAULT 0,
  INDEX idx_logged_segments_segment (segment_no, entry_no),
  INDEX idx_logged_segments_canceled (canceled, entry_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE interaction_log_entries (
  entry_no BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
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
  INDEX idx_entries_contact (contact_no, postponed, interaction_time),
  INDEX idx_entries_company (contact_company_no, contact_no, interaction_time),
  INDEX idx_entries_template (template_code, canceled, interaction_time),
  INDEX idx_entries_group (group_code, canceled, interaction_time),
  INDEX idx_entries_salesperson (salesperson_code, canceled, interaction_time),
  INDEX idx_entries_campaign (campaign_no, canceled, interaction_time),
  INDEX idx_entries_segment (segment_no),
  INDEX idx_entries_logged_segment (logged_segment_entry_no),
  INDEX idx_entries_document (document_type, document_no),
  INDEX idx_entries_time (interaction_time, entry_no),
  INDEX idx_entries_canceled (canceled, postponed, entry_no),
  INDEX idx_entries_attachment (attachment_id),
  CONSTRAINT fk_entries_contact FOREIGN KEY (contact_no) REFERENCES contacts (no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE interaction_log_comments (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  entry_no BIGINT NOT NULL,
  comment_date VARCHAR(10) NOT NULL,
  text VARCHAR(2000) NOT NULL,
  user_id VARCHAR(100) NOT NULL DEFAULT '',
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  INDEX idx_comments_entry (entry_no, id),
  CONSTRAINT fk_comments_entry FOREIGN KEY (entry_no) REFERENCES interaction_log_entries (entry_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

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
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- overrides holds the line's InteractionOverrides as JSON (store.Overrides).
CREATE TABLE segment_lines (
  line_no BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  segment_no VARCHAR(20) NOT NULL,
  contact_no VARCHAR(20) NOT NULL,
  template_code VARCHAR(10) NULL,
  overrides TEXT NOT NULL,
  user_id VARCHAR(100) NOT NULL DEFAULT '',
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  INDEX idx_segment_lines_segment (segment_no, line_no),
  INDEX idx_segment_lines_contact (contact_no),
  CONSTRAINT fk_segment_lines_segment FOREIGN KEY (segment_no) REFERENCES segments (no),
  CONSTRAINT fk_segment_lines_contact FOREIGN KEY (contact_no) REFERENCES contacts (no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Content is stored once per SHA-256 in attachment_blobs/attachment_chunks;
-- attachments rows are the named files that point at a blob.
CREATE TABLE attachment_blobs (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  sha256 CHAR(64) NULL,
  size_bytes BIGINT NOT NULL DEFAULT 0,
  complete BOOLEAN NOT NULL DEFAULT FALSE,
  create_time BIGINT NOT NULL,
  UNIQUE INDEX idx_blobs_sha256 (sha256)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE attachment_chunks (
  blob_id BIGINT NOT NULL,
  seq INT NOT NULL,
  data LONGBLOB NOT NULL,
  PRIMARY KEY (blob_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE attachments (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  blob_id BIGINT NOT NULL,
  file_name VARCHAR(250) NOT NULL DEFAULT '',
  content_type VARCHAR(100) NOT NULL DEFAULT '',
  size_bytes BIGINT NOT NULL,
  sha256 CHAR(64) NOT NULL,
  read_only BOOLEAN NOT NULL DEFAULT FALSE,
  user_id VARCHAR(100) NOT NULL DEFAULT '',
  create_time BIGINT NOT NULL,
  INDEX idx_attachments_blob (blob_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- AIP-155 request ids: the first response of a request, replayed to retries.
CREATE TABLE idempotency_keys (
  method VARCHAR(200) NOT NULL,
  request_id VARCHAR(36) NOT NULL,
  request_hash CHAR(64) NOT NULL,
  response LONGBLOB NOT NULL,
  create_time BIGINT NOT NULL,
  PRIMARY KEY (method, request_id),
  INDEX idx_idempotency_time (create_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
