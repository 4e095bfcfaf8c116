-- Service-quality satisfaction surveys. A round's dimensions are kept one
-- per line (validated text never holds a line break). state: 1 open,
-- 2 completed. Scores are per organisation (by USCC) and round, the
-- dimension scores beside them.
CREATE TABLE IF NOT EXISTS survey_rounds (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  title VARCHAR(200) NOT NULL,
  industry VARCHAR(50) NOT NULL,
  period_start DATE NOT NULL,
  period_end DATE NOT NULL,
  method TINYINT UNSIGNED NOT NULL,
  scale_max INT NOT NULL,
  dimensions TEXT NOT NULL,
  state TINYINT UNSIGNED NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL,
  KEY idx_industry (industry, id),
  KEY idx_period_end (period_end)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS survey_scores (
  round_id BIGINT NOT NULL,
  organization_uscc CHAR(18) NOT NULL,
  overall DOUBLE NOT NULL,
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (round_id, organization_uscc),
  CONSTRAINT fk_scores_round FOREIGN KEY (round_id) REFERENCES survey_rounds (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS survey_dimension_scores (
  round_id BIGINT NOT NULL,
  organization_uscc CHAR(18) NOT NULL,
  dimension VARCHAR(50) NOT NULL,
  score DOUBLE NOT NULL,
  PRIMARY KEY (round_id, organization_uscc, dimension),
  CONSTRAINT fk_dimension_scores_score FOREIGN KEY (round_id, organization_uscc)
    REFERENCES survey_scores (round_id, organization_uscc)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
