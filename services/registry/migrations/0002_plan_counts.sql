-- The plan's counts as the plan defines them: key enterprises (行业骨干企业)
-- flagged by the programme office for the phase targets, and the
-- improvement margin as effective-dated data, so that a change of the margin
-- applies from its date on and never rewrites a past year's figure.

ALTER TABLE organizations
  ADD COLUMN flag_key_enterprise TINYINT(1) NOT NULL DEFAULT 0
    AFTER flag_exemplary_public_service;

-- The rise of a self-assessment total (points of 1000) that counts as
-- "performance improved", from effective_from on (the latest row on or
-- before the day counted applies).
CREATE TABLE IF NOT EXISTS improvement_margins (
  effective_from DATE NOT NULL PRIMARY KEY,
  margin_points INT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO improvement_margins (effective_from, margin_points)
  VALUES ('2013-01-01', 50);
