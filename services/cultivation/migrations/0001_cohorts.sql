-- Excellence Launch cohorts, one a year, with the bounds of their
-- selection. selection_state: 1 open, 2 published.
CREATE TABLE IF NOT EXISTS cohorts (
  year INT NOT NULL PRIMARY KEY,
  capacity INT NOT NULL,
  library_cap INT NOT NULL,
  application_open_date DATE NOT NULL,
  application_close_date DATE NOT NULL,
  min_reviews INT NOT NULL,
  adjudication_spread DOUBLE NOT NULL,
  selection_state TINYINT UNSIGNED NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
