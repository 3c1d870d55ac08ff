-- interlog schema v2: postponed interactions and the drafts index.
-- A postponed entry (a draft) keeps the overrides it was logged with, as the
-- JSON of store.Overrides, so that ResumeInteraction can run the whole
-- pipeline again with the draft's values under the new ones.
CREATE TABLE postponed_interactions (
  entry_no BIGINT NOT NULL PRIMARY KEY,
  overrides TEXT NOT NULL,
  CONSTRAINT fk_postponed_entry FOREIGN KEY (entry_no) REFERENCES interaction_log_entries (entry_no)
);

-- Lists of drafts (postponed = true) in entry no. order.
CREATE INDEX idx_entries_postponed ON interaction_log_entries (postponed, entry_no);
