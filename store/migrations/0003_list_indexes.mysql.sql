-- interlog schema v3: indexes that serve ListInteractionLogEntries in time order.
-- The list does not usually fix "canceled", so an index (x, canceled,
-- interaction_time) cannot deliver interaction-time order: every page sorted
-- all of x's entries. (x, interaction_time) is an ordered range scan whatever
-- page is asked; statistics read each row to sum its cost anyway, so they lose
-- nothing. docs/explain.md shows the plans.
-- Two statements: TiDB refuses to drop and add an index of the same name in one
-- ALTER (error 1061). A database that ran the single ALTER of earlier releases
-- has the same indexes, and is not migrated again.
ALTER TABLE interaction_log_entries
  DROP INDEX idx_entries_company,
  DROP INDEX idx_entries_template,
  DROP INDEX idx_entries_group,
  DROP INDEX idx_entries_salesperson,
  DROP INDEX idx_entries_campaign;
ALTER TABLE interaction_log_entries
  ADD INDEX idx_entries_company (contact_company_no, interaction_time),
  ADD INDEX idx_entries_template (template_code, interaction_time),
  ADD INDEX idx_entries_group (group_code, interaction_time),
  ADD INDEX idx_entries_salesperson (salesperson_code, interaction_time),
  ADD INDEX idx_entries_campaign (campaign_no, interaction_time);
