-- Trainees. The resident ID number and the phone are personal data: only
-- their AES-256-GCM ciphertexts (with key ids, bound to the ID number's
-- keyed hash) are stored, and the ID number is found by its HMAC
-- (resident_id_hash), never by plaintext. The employer's district is the
-- registry's answer when the employer was last checked.
CREATE TABLE IF NOT EXISTS trainees (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  display_name VARCHAR(50) NOT NULL,
  resident_id_hash CHAR(64) NOT NULL,
  resident_id_sealed VARBINARY(255) NOT NULL,
  phone_sealed VARBINARY(255) NOT NULL,
  employer_uscc CHAR(18) NOT NULL,
  employer_district_code VARCHAR(16) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL,
  UNIQUE KEY uk_resident_id_hash (resident_id_hash),
  KEY idx_employer (employer_uscc, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
