-- The expert pool. The resident ID number and the phone are sealed
-- (AES-256-GCM, common/crypto) and bound to the number's keyed hash, which
-- is the lookup and uniqueness column; neither is ever stored in clear.
CREATE TABLE IF NOT EXISTS experts (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  display_name VARCHAR(100) NOT NULL,
  field VARCHAR(200) NOT NULL,
  employer_uscc CHAR(18) NOT NULL,
  resident_id_hash CHAR(64) NOT NULL,
  resident_id_sealed VARBINARY(255) NOT NULL,
  phone_sealed VARBINARY(255) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL,
  UNIQUE KEY uk_resident_id (resident_id_hash),
  KEY idx_employer (employer_uscc)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Conflicts of interest the experts declared.
CREATE TABLE IF NOT EXISTS expert_conflicts (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  expert_id BIGINT NOT NULL,
  organization_uscc CHAR(18) NOT NULL,
  reason VARCHAR(500) NOT NULL,
  declared_by VARCHAR(200) NOT NULL,
  declare_time DATETIME(6) NOT NULL,
  UNIQUE KEY uk_expert_organization (expert_id, organization_uscc),
  CONSTRAINT fk_conflicts_expert FOREIGN KEY (expert_id)
    REFERENCES experts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An expert's review of an application. state: 1 assigned, 2 submitted.
-- scores: the criterion scores in criterion order, comma-separated.
CREATE TABLE IF NOT EXISTS reviews (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  application_id BIGINT NOT NULL,
  cohort_year INT NOT NULL,
  expert_id BIGINT NOT NULL,
  state TINYINT UNSIGNED NOT NULL,
  scores VARCHAR(200) NOT NULL DEFAULT '',
  total DOUBLE NOT NULL DEFAULT 0,
  comment TEXT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  submit_time DATETIME(6) NULL,
  UNIQUE KEY uk_application_expert (application_id, expert_id),
  CONSTRAINT fk_reviews_application FOREIGN KEY (application_id)
    REFERENCES applications (id),
  CONSTRAINT fk_reviews_expert FOREIGN KEY (expert_id) REFERENCES experts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
