-- Demonstration bases. The organisation's facts (name, why it qualified)
-- are the registry's answer when it was designated, kept as evidence:
-- demobase never reads the registry's tables. status: 1 active,
-- 2 suspended, 3 withdrawn. qualification: 1 Mayor's Quality Award,
-- 2 exemplary public-service organisation.
CREATE TABLE IF NOT EXISTS demonstration_bases (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  organization_uscc CHAR(18) NOT NULL,
  organization_display_name VARCHAR(200) NOT NULL,
  year INT NOT NULL,
  theme VARCHAR(200) NOT NULL,
  industry VARCHAR(50) NOT NULL,
  qualification TINYINT UNSIGNED NOT NULL,
  qualification_evidence VARCHAR(200) NOT NULL,
  status TINYINT UNSIGNED NOT NULL,
  status_reason VARCHAR(500) NOT NULL DEFAULT '',
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL,
  UNIQUE KEY uk_organization_year (organization_uscc, year),
  KEY idx_year_status (year, status, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every status a base has had, the designation first.
CREATE TABLE IF NOT EXISTS base_status_changes (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  base_id BIGINT NOT NULL,
  status TINYINT UNSIGNED NOT NULL,
  reason VARCHAR(500) NOT NULL,
  changed_by VARCHAR(200) NOT NULL,
  change_time DATETIME(6) NOT NULL,
  KEY idx_base (base_id, id),
  CONSTRAINT fk_status_changes_base FOREIGN KEY (base_id)
    REFERENCES demonstration_bases (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per designation year, locked (SELECT ... FOR UPDATE) by every
-- designation of that year, so that designations are counted one request
-- at a time and the yearly maximum holds under concurrent requests.
CREATE TABLE IF NOT EXISTS designation_years (
  year INT NOT NULL PRIMARY KEY
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
