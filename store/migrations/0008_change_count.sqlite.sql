-- interlog schema v8: packed rows of changes; see the MySQL file.
ALTER TABLE changes ADD COLUMN change_count INT NOT NULL DEFAULT 1;
-- The row MySQL's sequencer batches lock; SQLite serializes writers itself.
CREATE TABLE change_sequencer (
  id INTEGER NOT NULL PRIMARY KEY
);
INSERT INTO change_sequencer (id) VALUES (1);
