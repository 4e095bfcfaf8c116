-- Registrations of trainees for sessions. state: 1 confirmed, 2 waitlisted,
-- 3 cancelled; the waitlist is ordered by id. Seats are counted under a
-- lock on the session's row, so confirmed registrations never exceed its
-- capacity. exam_result: 0 none, 1 passed, 2 failed.
CREATE TABLE IF NOT EXISTS registrations (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  course_id BIGINT NOT NULL,
  session_id BIGINT NOT NULL,
  trainee_id BIGINT NOT NULL,
  state TINYINT UNSIGNED NOT NULL,
  attended TINYINT(1) NOT NULL DEFAULT 0,
  exam_result TINYINT UNSIGNED NOT NULL DEFAULT 0,
  exam_score INT NOT NULL DEFAULT 0,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL,
  KEY idx_session_state (session_id, state, id),
  KEY idx_trainee (trainee_id, id),
  CONSTRAINT fk_registrations_session FOREIGN KEY (session_id)
    REFERENCES sessions (id),
  CONSTRAINT fk_registrations_trainee FOREIGN KEY (trainee_id)
    REFERENCES trainees (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
