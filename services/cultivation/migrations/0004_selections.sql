-- Enrolments in the key-enterprise library. track: 1 Excellence Launch,
-- 2 growth plan. outcome: 1 active, 2 accepted, 3 failed, 4 withdrawn,
-- 5 expired. live_uscc is the USCC while the enrolment is active and NULL
-- after: an organisation is actively enrolled at most once.
CREATE TABLE IF NOT EXISTS enrollments (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  organization_uscc CHAR(18) NOT NULL,
  live_uscc CHAR(18) NULL,
  organization_display_name VARCHAR(200) NOT NULL,
  track TINYINT UNSIGNED NOT NULL,
  cohort_year INT NULL,
  application_id BIGINT NULL,
  term_start_date DATE NOT NULL,
  term_end_date DATE NOT NULL,
  outcome TINYINT UNSIGNED NOT NULL,
  outcome_reason VARCHAR(500) NOT NULL DEFAULT '',
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL,
  UNIQUE KEY uk_live (live_uscc),
  KEY idx_organization (organization_uscc, id),
  KEY idx_outcome (outcome, id),
  KEY idx_cohort (cohort_year, outcome)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A cohort's published selection; the primary key lets it exist once.
-- Reopening deletes the row (the applications' histories keep the run).
CREATE TABLE IF NOT EXISTS selections (
  cohort_year INT NOT NULL PRIMARY KEY,
  capacity INT NOT NULL,
  library_cap INT NOT NULL,
  library_active_before INT NOT NULL,
  selected_count INT NOT NULL,
  waitlisted_count INT NOT NULL,
  rejected_count INT NOT NULL,
  run_by VARCHAR(200) NOT NULL,
  run_time DATETIME(6) NOT NULL,
  CONSTRAINT fk_selections_cohort FOREIGN KEY (cohort_year)
    REFERENCES cohorts (year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row, locked (SELECT ... FOR UPDATE) by every selection and every
-- new growth-plan enrolment before counting active enrolments, so the
-- library cap holds when two cohorts select at once.
CREATE TABLE IF NOT EXISTS library_lock (
  id TINYINT UNSIGNED NOT NULL PRIMARY KEY
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT IGNORE INTO library_lock (id) VALUES (1);
