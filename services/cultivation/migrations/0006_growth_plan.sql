-- The enterprise growth plan (企业成长计划): SMEs that applied, one row per
-- organisation (the unique key admits one however many requests arrive at
-- once). categories: a bit per cultivation.v1 GrowthCategory (1 << value).
-- review_passed and review_date follow the latest compliance review;
-- priority (优先立项、优先资助) is set by a passed review and cleared by a
-- failed one. Funding eligibility reads participant, review_passed,
-- priority and review_date.
CREATE TABLE IF NOT EXISTS growth_plan_participants (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  organization_uscc CHAR(18) NOT NULL,
  organization_display_name VARCHAR(200) NOT NULL,
  size_class VARCHAR(32) NOT NULL,
  categories INT UNSIGNED NOT NULL,
  statement TEXT NOT NULL,
  review_passed TINYINT(1) NOT NULL DEFAULT 0,
  priority TINYINT(1) NOT NULL DEFAULT 0,
  review_date DATE NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL,
  UNIQUE KEY uk_organization (organization_uscc),
  KEY idx_priority (priority, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The coaching of the four operating modules: a row per completed module.
-- module: cultivation.v1 OperatingModule; a module without a row is
-- pending.
CREATE TABLE IF NOT EXISTS growth_plan_coaching (
  participant_id BIGINT NOT NULL,
  module TINYINT UNSIGNED NOT NULL,
  completion_date DATE NOT NULL,
  expert_id BIGINT NULL,
  report_reference VARCHAR(200) NOT NULL,
  completed_by VARCHAR(200) NOT NULL,
  complete_time DATETIME(6) NOT NULL,
  PRIMARY KEY (participant_id, module),
  CONSTRAINT fk_coaching_participant FOREIGN KEY (participant_id)
    REFERENCES growth_plan_participants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every compliance review (达标审查) with who, when and why.
CREATE TABLE IF NOT EXISTS growth_plan_reviews (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  participant_id BIGINT NOT NULL,
  passed TINYINT(1) NOT NULL,
  findings TEXT NOT NULL,
  reason VARCHAR(500) NOT NULL,
  review_date DATE NOT NULL,
  reviewed_by VARCHAR(200) NOT NULL,
  review_time DATETIME(6) NOT NULL,
  KEY idx_participant (participant_id, id),
  CONSTRAINT fk_reviews_participant FOREIGN KEY (participant_id)
    REFERENCES growth_plan_participants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
