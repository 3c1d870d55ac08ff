-- interlog schema v4: idx_entries_time also covers the columns statistics read.
-- See the MySQL file for why.
DROP INDEX idx_entries_time;
CREATE INDEX idx_entries_time ON interaction_log_entries (interaction_time, entry_no, canceled, postponed,
  template_code, group_code, salesperson_code, campaign_no, cost_micros, duration_seconds);
