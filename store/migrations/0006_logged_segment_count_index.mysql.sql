-- interlog schema v6: a logged segment's interaction count is the number of
-- its entries that share its canceled state, counted on every read of the
-- logged segment; this index answers the count without reading the entries.
-- idx_entries_logged_segment stays: it lists a logged segment's entries in
-- entry no. order, which this one cannot without sorting.
CREATE INDEX idx_entries_logged_segment_state ON interaction_log_entries (logged_segment_entry_no, canceled);
