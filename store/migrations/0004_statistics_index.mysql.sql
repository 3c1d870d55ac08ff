-- interlog schema v4: idx_entries_time also covers the columns statistics read.
-- A summary of a time range (one month by template, group, salesperson or
-- campaign) then reads only this index, in time order: no row lookups. Before,
-- MariaDB either looked up every row of the month (random reads) or walked a
-- whole (template_code, ...) index to avoid sorting the groups, 70 s on a
-- million entries with the default buffer pool. The key still begins with
-- (interaction_time, entry_no), so time-ordered lists read it as before.
-- Two statements, as in 0003: TiDB refuses DROP and ADD of one index name in
-- one ALTER.
ALTER TABLE interaction_log_entries DROP INDEX idx_entries_time;
ALTER TABLE interaction_log_entries
  ADD INDEX idx_entries_time (interaction_time, entry_no, canceled, postponed, template_code,
    group_code, salesperson_code, campaign_no, cost_micros, duration_seconds);
