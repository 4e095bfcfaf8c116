-- Certificates: earned through a registration (registration_id, unique) or
-- recognised from an external body (registration_id NULL). The number is
-- set right after the insert from the type, the year and the id. Expiry is
-- stored; "expired" is read against today. Every public verification is
-- recorded in certificate_verifications (the number as given, whether it
-- matched, when).
CREATE TABLE IF NOT EXISTS certificates (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  number VARCHAR(20) NULL,
  verification_code CHAR(16) NOT NULL,
  certificate_type TINYINT UNSIGNED NOT NULL,
  trainee_id BIGINT NOT NULL,
  registration_id BIGINT NULL,
  issuing_body VARCHAR(200) NOT NULL,
  issue_date DATE NOT NULL,
  expiry_date DATE NOT NULL,
  revoked TINYINT(1) NOT NULL DEFAULT 0,
  revoke_reason VARCHAR(500) NOT NULL DEFAULT '',
  revoked_by VARCHAR(200) NOT NULL DEFAULT '',
  revoke_time DATETIME(6) NULL,
  create_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL,
  UNIQUE KEY uk_number (number),
  UNIQUE KEY uk_registration (registration_id),
  KEY idx_trainee (trainee_id, id),
  CONSTRAINT fk_certificates_trainee FOREIGN KEY (trainee_id)
    REFERENCES trainees (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS certificate_verifications (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  number VARCHAR(40) NOT NULL,
  matched TINYINT(1) NOT NULL,
  verify_time DATETIME(6) NOT NULL,
  KEY idx_number (number, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
