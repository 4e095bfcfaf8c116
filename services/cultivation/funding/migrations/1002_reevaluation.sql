-- Re-evaluation of decisions when their facts change: the cursors of the
-- change feeds followed (the registry's), and the outbox into which
-- cultivation writes, in the same transaction as an enrolment's or growth
-- plan's change, the organisations to evaluate again.

CREATE TABLE IF NOT EXISTS feed_cursors (
  source VARCHAR(64) NOT NULL PRIMARY KEY,
  cursor_token VARCHAR(512) NOT NULL,
  update_time DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS reevaluation_requests (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  uscc CHAR(18) NOT NULL,
  reason VARCHAR(200) NOT NULL,
  create_time DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
