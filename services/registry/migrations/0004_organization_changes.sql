-- The change feed of organisations (ListOrganizationChanges), which the
-- funding eligibility follows with a resumable cursor.
--
-- Every change is numbered from one counter row that the writing
-- transaction locks (SELECT ... FOR UPDATE) as its last step, just before
-- it commits. The lock makes the numbers commit-ordered: a transaction
-- holding number n keeps every other writer waiting until it commits or
-- rolls back (and a rollback returns n, so there are no gaps), hence once
-- a reader sees number n, every number below n has committed too. An
-- AUTO_INCREMENT id would not do: ids are handed out before commit, so a
-- reader could pass an id whose transaction commits later and skip it.
CREATE TABLE IF NOT EXISTS organization_change_counter (
  id TINYINT NOT NULL PRIMARY KEY,
  last_sequence BIGINT NOT NULL
) ENGINE=InnoDB;

-- One row per change: what changed (a bit per OrganizationChangeType) and
-- the facts the feed reports as they were after it.
CREATE TABLE IF NOT EXISTS organization_changes (
  sequence BIGINT NOT NULL PRIMARY KEY,
  uscc CHAR(18) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  change_time DATETIME(6) NOT NULL,
  change_types INT NOT NULL,
  version BIGINT NOT NULL,
  kind TINYINT NOT NULL,
  district_code VARCHAR(16) NOT NULL,
  size_class TINYINT NOT NULL,
  credit_standing TINYINT NOT NULL,
  adoption_status TINYINT NOT NULL,
  key_enterprise TINYINT(1) NOT NULL,
  state TINYINT NOT NULL,
  KEY idx_district_sequence (district_code, sequence),
  KEY idx_change_time (change_time),
  KEY idx_uscc_sequence (uscc, sequence)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Organisations registered before the feed existed enter it once, as
-- created (bit 1 of change_types, ORGANIZATION_CHANGE_TYPE_CREATED = 1),
-- with their facts of today, in the order they were registered; so a
-- follower that starts from the beginning sees every organisation.
INSERT INTO organization_changes
  (sequence, uscc, change_time, change_types, version, kind, district_code,
   size_class, credit_standing, adoption_status, key_enterprise, state)
SELECT ROW_NUMBER() OVER (ORDER BY create_time, uscc), uscc, create_time, 2,
       version, kind, district_code, size_class, credit_standing,
       adoption_status, flag_key_enterprise, state
  FROM organizations;

INSERT INTO organization_change_counter (id, last_sequence)
  SELECT 1, COALESCE(MAX(sequence), 0) FROM organization_changes;
