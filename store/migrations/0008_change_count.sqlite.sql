-- interlog schema v8: packed rows of changes; see the MySQL file.
ALTER TABLE changes ADD COLUMN change_count INT NOT NULL DEFAULT 1;
