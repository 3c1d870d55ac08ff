-- interlog schema v3: indexes that serve ListInteractionLogEntries in time order.
-- See the MySQL file for why (x, interaction_time) replaces (x, canceled, interaction_time).
DROP INDEX idx_entries_company;
DROP INDEX idx_entries_template;
DROP INDEX idx_entries_group;
DROP INDEX idx_entries_salesperson;
DROP INDEX idx_entries_campaign;
CREATE INDEX idx_entries_company ON interaction_log_entries (contact_company_no, interaction_time);
CREATE INDEX idx_entries_template ON interaction_log_entries (template_code, interaction_time);
CREATE INDEX idx_entries_group ON interaction_log_entries (group_code, interaction_time);
CREATE INDEX idx_entries_salesperson ON interaction_log_entries (salesperson_code, interaction_time);
CREATE INDEX idx_entries_campaign ON interaction_log_entries (campaign_no, interaction_time);
