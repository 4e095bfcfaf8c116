-- Personal data of contacts: which key seals each row's contacts, and the
-- audit of every reveal in clear. Self-assessments: corrections and
-- withdrawals, with the history kept.

-- The key id of the sealed contacts (the blob is format version, key id,
-- nonce, ciphertext, tag), derived by the database so that every write keeps
-- it right without the repository naming it. Key rotation re-encrypts the
-- rows whose key id is not the current one; a key may leave the keyring only
-- when no row has its id (qpp-registry --reencrypt_contacts,
-- --check_key_retirement). NULL: no contacts.
ALTER TABLE organizations
  ADD COLUMN contacts_key_id TINYINT UNSIGNED
    AS (ASCII(SUBSTRING(contacts_encrypted, 2, 1))) PERSISTENT,
  ADD KEY idx_contacts_key (contacts_key_id);

-- One row per RevealContacts call that answered: who saw which contacts of
-- which organisation, when and why. Never the values. No foreign key: the
-- audit outlives what it is about.
CREATE TABLE IF NOT EXISTS contact_reveals (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  uscc CHAR(18) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  -- 1-based position of the contact revealed; 0: all of them.
  contact_number INT NOT NULL,
  contacts_revealed INT NOT NULL,
  principal VARCHAR(255) NOT NULL,
  request_id VARCHAR(64) NOT NULL DEFAULT '',
  reason VARCHAR(200) NOT NULL,
  reveal_time DATETIME(6) NOT NULL,
  KEY idx_uscc_time (uscc, reveal_time),
  KEY idx_principal_time (principal, reveal_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- state: 1 current (counts), 2 superseded by a correction, 3 withdrawn
-- (SelfAssessmentState). Superseded and withdrawn rows stay as history.
ALTER TABLE self_assessments
  ADD COLUMN state TINYINT NOT NULL DEFAULT 1,
  ADD COLUMN supersedes_id BIGINT NULL,
  ADD COLUMN superseded_by_id BIGINT NULL,
  ADD COLUMN state_reason VARCHAR(500) NOT NULL DEFAULT '',
  ADD COLUMN state_changed_by VARCHAR(255) NOT NULL DEFAULT '',
  ADD COLUMN state_change_time DATETIME(6) NULL,
  ADD KEY idx_org_state_date (uscc, state, assessment_date);
