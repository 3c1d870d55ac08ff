-- interlog schema v6: the index that counts a logged segment's entries by
-- canceled state; see the MySQL file.
CREATE INDEX idx_entries_logged_segment_state ON interaction_log_entries (logged_segment_entry_no, canceled);
