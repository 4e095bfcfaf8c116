-- The "five ones" of an enrolment: a row per completed milestone. kind:
-- cultivation.v1 MilestoneKind; a milestone without a row is pending.
CREATE TABLE IF NOT EXISTS enrollment_milestones (
  enrollment_id BIGINT NOT NULL,
  kind TINYINT UNSIGNED NOT NULL,
  completion_date DATE NOT NULL,
  expert_id BIGINT NULL,
  report_reference VARCHAR(200) NOT NULL,
  completed_by VARCHAR(200) NOT NULL,
  complete_time DATETIME(6) NOT NULL,
  PRIMARY KEY (enrollment_id, kind),
  CONSTRAINT fk_milestones_enrollment FOREIGN KEY (enrollment_id)
    REFERENCES enrollments (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The end-of-term acceptance score, once accepted or failed.
ALTER TABLE enrollments ADD COLUMN IF NOT EXISTS acceptance_score DOUBLE NULL;
