-- Applications to a cohort. The organisation's facts (name, latest
-- self-assessment, whether its assessor is certified) are what the
-- registry and training answered when it applied, kept as evidence:
-- cultivation never reads their tables. status: cultivation.v1
-- ApplicationStatus. live_uscc is the USCC while the application is not
-- withdrawn and NULL after: the unique key then admits one live
-- application per organisation and cohort, however many arrive at once.
CREATE TABLE IF NOT EXISTS applications (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  cohort_year INT NOT NULL,
  organization_uscc CHAR(18) NOT NULL,
  live_uscc CHAR(18) NULL,
  organization_display_name VARCHAR(200) NOT NULL,
  statement TEXT NOT NULL,
  self_assessment VARCHAR(200) NOT NULL,
  self_assessment_total DOUBLE NOT NULL,
  assessor_certificate VARCHAR(64) NOT NULL,
  assessor_not_certified TINYINT(1) NOT NULL,
  status TINYINT UNSIGNED NOT NULL,
  status_reason VARCHAR(500) NOT NULL DEFAULT '',
  review_count INT NOT NULL DEFAULT 0,
  consensus_score DOUBLE NOT NULL DEFAULT 0,
  score_spread DOUBLE NOT NULL DEFAULT 0,
  needs_adjudication TINYINT(1) NOT NULL DEFAULT 0,
  selection_rank INT NOT NULL DEFAULT 0,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL,
  UNIQUE KEY uk_live (cohort_year, live_uscc),
  KEY idx_cohort_status (cohort_year, status, id),
  KEY idx_organization (organization_uscc, id),
  CONSTRAINT fk_applications_cohort FOREIGN KEY (cohort_year)
    REFERENCES cohorts (year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every transition of an application's status, the submission first.
CREATE TABLE IF NOT EXISTS application_transitions (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  application_id BIGINT NOT NULL,
  from_status TINYINT UNSIGNED NOT NULL,
  to_status TINYINT UNSIGNED NOT NULL,
  reason VARCHAR(500) NOT NULL,
  changed_by VARCHAR(200) NOT NULL,
  change_time DATETIME(6) NOT NULL,
  KEY idx_application (application_id, id),
  CONSTRAINT fk_transitions_application FOREIGN KEY (application_id)
    REFERENCES applications (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
