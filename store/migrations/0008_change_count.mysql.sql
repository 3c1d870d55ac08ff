-- interlog schema v8: a row of changes holds change_count changes of one
-- transaction (store/change_rows.go), whose sequences are
-- [sequence - change_count + 1, sequence]: the sequence column is the last
-- of them. Rows written before hold one change each.
ALTER TABLE changes ADD COLUMN change_count INT NOT NULL DEFAULT 1;
-- The row every sequencer batch locks first (SELECT ... FOR UPDATE), so
-- that the batches of two sequencers that ever overlapped run one after the
-- other (store/sequencer.go): with rows of several changes, the unique index
-- on sequence alone no longer makes two batches that read the same maximum
-- collide.
CREATE TABLE change_sequencer (
  id INT NOT NULL PRIMARY KEY
) ENGINE=InnoDB;
INSERT INTO change_sequencer (id) VALUES (1);
