-- Training schema: courses of the training plan and the sessions in which
-- registered providers give them.

CREATE TABLE IF NOT EXISTS courses (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  title VARCHAR(200) NOT NULL,
  kind TINYINT UNSIGNED NOT NULL,
  hours INT NOT NULL,
  has_exam TINYINT(1) NOT NULL,
  certificate_type TINYINT UNSIGNED NOT NULL,
  description TEXT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL,
  KEY idx_kind (kind, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- provider_uscc is the registry's organisation, checked over gRPC when the
-- session is written (training never reads the registry's tables).
CREATE TABLE IF NOT EXISTS sessions (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  course_id BIGINT NOT NULL,
  start_date DATE NOT NULL,
  end_date DATE NOT NULL,
  place VARCHAR(200) NOT NULL,
  provider_uscc CHAR(18) NOT NULL,
  capacity INT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL,
  KEY idx_course (course_id, id),
  KEY idx_provider (provider_uscc, id),
  CONSTRAINT fk_sessions_course FOREIGN KEY (course_id) REFERENCES courses (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
