-- Open events of bases. state: 1 scheduled, 2 held, 3 cancelled; kind:
-- 1 open visit, 2 results sharing. confirmed_headcount is the sum of the
-- headcounts of the event's confirmed registrations, kept under a lock on
-- the event's row, so that it never exceeds capacity. host_uscc is the
-- base's organisation (immutable), copied so that locking an event locks
-- nothing of its base.
CREATE TABLE IF NOT EXISTS open_events (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  base_id BIGINT NOT NULL,
  host_uscc CHAR(18) NOT NULL,
  kind TINYINT UNSIGNED NOT NULL,
  topic VARCHAR(200) NOT NULL,
  start_time DATETIME(6) NOT NULL,
  end_time DATETIME(6) NOT NULL,
  place VARCHAR(200) NOT NULL,
  capacity INT NOT NULL,
  confirmed_headcount INT NOT NULL DEFAULT 0,
  state TINYINT UNSIGNED NOT NULL,
  attendance INT NOT NULL DEFAULT 0,
  cancel_reason VARCHAR(500) NOT NULL DEFAULT '',
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL,
  KEY idx_start (start_time, id),
  KEY idx_base_start (base_id, start_time, id),
  CONSTRAINT fk_events_base FOREIGN KEY (base_id)
    REFERENCES demonstration_bases (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Registrations of visiting groups (visitor_kind 1, with the organisation's
-- USCC) and persons (2). The contact's name and phone are personal data:
-- only their AES-256-GCM ciphertexts are stored. state: 1 confirmed,
-- 2 cancelled. feedback_score 0 means none.
CREATE TABLE IF NOT EXISTS registrations (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  base_id BIGINT NOT NULL,
  event_id BIGINT NOT NULL,
  visitor_kind TINYINT UNSIGNED NOT NULL,
  organization_uscc CHAR(18) NOT NULL DEFAULT '',
  contact_name_sealed VARBINARY(255) NOT NULL,
  contact_phone_sealed VARBINARY(255) NOT NULL,
  headcount INT NOT NULL,
  state TINYINT UNSIGNED NOT NULL,
  attended TINYINT(1) NOT NULL DEFAULT 0,
  feedback_score TINYINT UNSIGNED NOT NULL DEFAULT 0,
  feedback_comment VARCHAR(500) NOT NULL DEFAULT '',
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL,
  KEY idx_event (event_id, id),
  CONSTRAINT fk_registrations_event FOREIGN KEY (event_id)
    REFERENCES open_events (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
