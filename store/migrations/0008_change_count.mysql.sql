-- interlog schema v8: a row of changes holds change_count changes of one
-- transaction (store/change_rows.go), whose sequences are
-- [sequence - change_count + 1, sequence]: the sequence column is the last
-- of them. Rows written before hold one change each.
ALTER TABLE changes ADD COLUMN change_count INT NOT NULL DEFAULT 1;
