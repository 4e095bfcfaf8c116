-- Runs once, when the mariadb container initialises an empty data volume.
-- The image has created the user 'qpp'@'%' from MARIADB_USER and
-- MARIADB_PASSWORD; each qpp service creates its own schema (qpp_registry,
-- qpp_training, ...) at start-up, so the user may create any qpp_* schema
-- and nothing else.
GRANT ALL PRIVILEGES ON `qpp\_%`.* TO 'qpp'@'%';
FLUSH PRIVILEGES;
