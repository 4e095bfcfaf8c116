-- Funding eligibility: schemes as data with versioned, effective-dated
-- rules; immutable decisions with their reasons and facts; the current
-- decision per organisation and scheme; a change feed numbered in commit
-- order; and the disbursements recorded against decisions.

CREATE TABLE IF NOT EXISTS funding_schemes (
  code VARCHAR(40) NOT NULL PRIMARY KEY,
  title VARCHAR(200) NOT NULL,
  kind TINYINT NOT NULL,
  create_time DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Versions are append-only: a decision names (scheme_code, version).
CREATE TABLE IF NOT EXISTS funding_rules (
  scheme_code VARCHAR(40) NOT NULL,
  version INT NOT NULL,
  effective_from DATE NOT NULL,
  amount_cap_fen BIGINT NOT NULL,
  validity_months INT NOT NULL,
  min_score DOUBLE NOT NULL,
  min_count INT NOT NULL,
  basis VARCHAR(200) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (scheme_code, version),
  UNIQUE KEY funding_rules_effective (scheme_code, effective_from),
  CONSTRAINT funding_rules_scheme FOREIGN KEY (scheme_code)
    REFERENCES funding_schemes (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Never updated but for `sequence`, set once in the transaction that
-- inserts the row. `body` is the serialized reasons and facts
-- (qpp.funding.v1.EligibilityDecision with only those fields).
CREATE TABLE IF NOT EXISTS eligibility_decisions (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  uscc CHAR(18) NOT NULL,
  scheme_code VARCHAR(40) NOT NULL,
  rule_version INT NOT NULL,
  outcome TINYINT NOT NULL,
  valid_from DATE NULL,
  valid_to DATE NULL,
  amount_cap_fen BIGINT NOT NULL,
  decide_time DATETIME(6) NOT NULL,
  supersedes BIGINT NULL,
  sequence BIGINT NULL,
  fingerprint CHAR(64) NOT NULL,
  body MEDIUMBLOB NOT NULL,
  UNIQUE KEY eligibility_decisions_sequence (sequence),
  KEY eligibility_decisions_org (uscc, scheme_code, id),
  CONSTRAINT eligibility_decisions_rule FOREIGN KEY (scheme_code, rule_version)
    REFERENCES funding_rules (scheme_code, version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The decision in force per organisation and scheme; its row lock
-- serialises the evaluations and disbursements of that pair.
CREATE TABLE IF NOT EXISTS current_decisions (
  uscc CHAR(18) NOT NULL,
  scheme_code VARCHAR(40) NOT NULL,
  decision_id BIGINT NOT NULL,
  fingerprint CHAR(64) NOT NULL,
  PRIMARY KEY (uscc, scheme_code),
  KEY current_decisions_scheme (scheme_code, decision_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The feed's counter: taken FOR UPDATE as the last write of a decision's
-- transaction, so sequence numbers follow commit order without gaps.
CREATE TABLE IF NOT EXISTS decision_feed_counter (
  id TINYINT NOT NULL PRIMARY KEY,
  last_sequence BIGINT NOT NULL
) ENGINE=InnoDB;
INSERT IGNORE INTO decision_feed_counter (id, last_sequence) VALUES (1, 0);

CREATE TABLE IF NOT EXISTS disbursements (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  decision_id BIGINT NOT NULL,
  amount_fen BIGINT NOT NULL,
  paid_on DATE NOT NULL,
  voucher_reference VARCHAR(64) NOT NULL,
  recorded_by VARCHAR(128) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  UNIQUE KEY disbursements_voucher (voucher_reference),
  KEY disbursements_decision (decision_id),
  CONSTRAINT disbursements_decision FOREIGN KEY (decision_id)
    REFERENCES eligibility_decisions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
