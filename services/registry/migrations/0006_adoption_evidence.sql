-- What justified each adoption step (SetAdoptionStatusRequest.evidence),
-- e.g. the cultivation enrolment whose end-of-term acceptance moved an
-- enterprise to ADOPTED; kept beside the step's date.
ALTER TABLE organizations
  ADD COLUMN IF NOT EXISTS introducing_evidence VARCHAR(300) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS adopted_evidence VARCHAR(300) NOT NULL DEFAULT '';
