-- Appointments of certified people to an organisation's quality posts
-- (role: 1 chief quality officer, 2 quality engineer). organization_uscc is
-- the registry's organisation, checked over gRPC when the appointment is
-- recorded; the certificate that qualified the appointee is kept with it.
-- end_date NULL: open-ended.
CREATE TABLE IF NOT EXISTS appointments (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  organization_uscc CHAR(18) NOT NULL,
  role TINYINT UNSIGNED NOT NULL,
  certificate_id BIGINT NOT NULL,
  trainee_id BIGINT NOT NULL,
  start_date DATE NOT NULL,
  end_date DATE NULL,
  create_time DATETIME(6) NOT NULL,
  KEY idx_organization (organization_uscc, id),
  KEY idx_trainee (trainee_id, id),
  CONSTRAINT fk_appointments_certificate FOREIGN KEY (certificate_id)
    REFERENCES certificates (id),
  CONSTRAINT fk_appointments_trainee FOREIGN KEY (trainee_id)
    REFERENCES trainees (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
